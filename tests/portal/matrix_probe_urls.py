"""The portal's URLconf with one more console route that takes an id: the matrix must notice it."""

from django.http import HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def _probe(request, widget_id):
    return HttpResponse("")


urlpatterns = [*portal_urlpatterns, path("console/widgets/<int:widget_id>/", _probe, name="widget_probe")]
