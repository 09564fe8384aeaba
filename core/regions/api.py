from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from core.errors import ApplicationError
from core.regions.models import Region
from core.regions.selectors import region_children
from core.typed_input import typed_digits


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent"]


@method_decorator(cache_control(public=True, max_age=3600), name="get")
class RegionListApi(generics.ListAPIView):
    """The regions directly below `parent` (the provinces without it), for pickers. Small and cacheable."""

    serializer_class = RegionSerializer
    pagination_class = None

    @extend_schema(
        parameters=[OpenApiParameter("parent", str, description="上级区划代码; 不填则返回全部省份。例: 430100")]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        typed = self.request.query_params.get("parent") or None
        parent = typed_digits(typed) if typed is not None else None
        if typed is not None and parent is None:
            raise ApplicationError(_("parent 必须是数字区划代码。"), field="parent")
        return region_children(parent_code=parent)
