"""GET /api/v1/stats/: a region's figures over a period, the same numbers the dashboard shows."""

from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import validated_query
from core.replicas import replica_reads
from portal.statistics import selectors
from portal.statistics.catalogue import FIGURES
from workers.api import IsConsoleUser

DERIVED = ("fairs", "trips", "workers_registered", "visits")


class StatsQuerySerializer(serializers.Serializer):
    region = serializers.RegexField(
        r"^[0-9]{6}([0-9]{3}){0,2}$", required=False, help_text="行政区划代码；默认本人所属区划"
    )
    campaign = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    to = serializers.DateField(required=False, help_text="结束日期 YYYY-MM-DD")

    def get_fields(self):
        # `from` is a Python keyword, so it cannot be declared as an attribute above.
        fields = super().get_fields()
        fields["from"] = serializers.DateField(required=False, help_text="开始日期 YYYY-MM-DD")
        return fields


FigureValues = {name: serializers.IntegerField() for name in [figure.name for figure in FIGURES] + list(DERIVED)}
FiguresSerializer = type("StatsFiguresSerializer", (serializers.Serializer,), dict(FigureValues))


class SubRegionSerializer(serializers.Serializer):
    code = serializers.CharField(allow_null=True, help_text="下级区划代码；为空表示记在本级的数")
    name = serializers.CharField()
    figures = FiguresSerializer()


class StatsSerializer(serializers.Serializer):
    region = serializers.CharField(allow_null=True)
    region_name = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    campaign = serializers.CharField(allow_null=True)
    figures = FiguresSerializer()
    sub_regions = SubRegionSerializer(many=True)


def _values(figures):
    return {name: figures[name] for name in FigureValues}


class StatsApi(APIView):
    """The campaign's figures for a region in the caller's scope (staff only)."""

    permission_classes = [IsConsoleUser]

    @extend_schema(parameters=[StatsQuerySerializer], responses=StatsSerializer, tags=["statistics"])
    @method_decorator(replica_reads)
    def get(self, request):
        query = validated_query(request, StatsQuerySerializer)
        region = selectors.stats_region(user=request.user, code=query.get("region", ""))
        period = selectors.period_choose(
            campaign_id=query.get("campaign"), first=query.get("from"), last=query.get("to")
        )
        figures = selectors.region_figures(region, period)
        total, rows = figures.total, figures.rows
        return Response(
            StatsSerializer(
                {
                    "region": region.code if region else None,
                    "region_name": region.name if region else _("全国"),
                    "start": period.first,
                    "end": period.last,
                    "campaign": period.campaign.name if period.campaign else None,
                    "figures": _values(total),
                    "sub_regions": [
                        {
                            "code": row.region.code if row.region else None,
                            "name": row.region.name if row.region else _("本级"),
                            "figures": _values(row.figures),
                        }
                        for row in rows
                    ],
                }
            ).data
        )
