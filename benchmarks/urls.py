from django.http import HttpResponse
from django.urls import path

from core.regions.models import Region
from portal.urls import urlpatterns as portal_urlpatterns


def minimal(request):
    """The least a Django page can be: the portal's middleware, one indexed query, a few bytes out."""
    return HttpResponse(Region.objects.filter(code="430181").values_list("name", flat=True).first())


urlpatterns = [path("bench/minimal/", minimal), *portal_urlpatterns]
