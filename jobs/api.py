from django.utils.decorators import method_decorator
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.replicas import replica_reads
from jobs.forms import PostingSearchForm
from jobs.models import Employer, JobPosting
from jobs.selectors import Sort, posting_detail, posting_search


class EmployerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Employer
        fields = ["id", "name", "industry", "is_key_enterprise"]


class PostingSerializer(serializers.ModelSerializer):
    employer = EmployerSerializer()
    work_region_name = serializers.CharField(source="work_region.name")
    benefits = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = JobPosting
        fields = [
            "id",
            "title",
            "occupation",
            "employer",
            "work_region",
            "work_region_name",
            "wage_min",
            "wage_max",
            "benefits",
            "kind",
            "headcount",
            "published_at",
            "valid_until",
        ]


class PostingDetailSerializer(PostingSerializer):
    contact_name = serializers.CharField(source="employer.contact_name")
    contact_phone = serializers.CharField(source="employer.contact_phone")

    class Meta(PostingSerializer.Meta):
        fields = [
            *PostingSerializer.Meta.fields,
            "description",
            "requirements",
            "pay_notes",
            "working_hours",
            "work_address",
            "age_min",
            "age_max",
            "contact_name",
            "contact_phone",
        ]


class PlaceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class WiderPlaceSerializer(serializers.Serializer):
    region = PlaceSerializer()
    count = serializers.IntegerField()
    count_is_capped = serializers.BooleanField()


class PostingPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="匹配的岗位数; count_is_capped 为真时表示“至少这么多”")
    count_is_capped = serializers.BooleanField()
    next = serializers.CharField(allow_null=True, help_text="下一页的 cursor 参数; 没有下一页时为 null")
    place = PlaceSerializer(allow_null=True, help_text="从 q 里读出并用来筛选的工作地点; 没有时为 null")
    suggestions = serializers.ListField(
        child=serializers.CharField(), help_text="没有结果时: 可能想搜的词 (每个词都有结果)"
    )
    wider = WiderPlaceSerializer(allow_null=True, help_text="没有结果时: 有结果的上一级地区和个数 (最多数到 100)")
    results = PostingSerializer(many=True)


_FILTER_PARAMETERS = [
    OpenApiParameter("q", str, description="关键词, 例: 保洁、电子厂普工、浏阳 包住"),
    OpenApiParameter("region", str, description="工作地区代码, 省、市、县均可, 含下级. 例: 430181"),
    OpenApiParameter("occupation", str, description="工种代码"),
    OpenApiParameter("wage_min", int, description="月薪上限不低于此数(元)"),
    OpenApiParameter("benefits", str, many=True, description="福利, 可重复: provides_meals, provides_housing ..."),
    OpenApiParameter("key_enterprise", bool, description="只看重点企业 (true 或 false)"),
    OpenApiParameter("kind", str, enum=["regular", "public_welfare"]),
    OpenApiParameter("home", str, description="家乡县代码, 与 sort=near 一起用"),
    OpenApiParameter("sort", str, enum=[value for value, _label in Sort.CHOICES]),
    OpenApiParameter("cursor", str, description="上一页返回的 next"),
    OpenApiParameter("words_only", bool, description="为 true 时 q 里的地名只当关键词, 不当作工作地点筛选"),
]


class PostingListApi(APIView):
    """Public postings, searched and filtered like /jobs/, newest or most relevant first, by cursor."""

    @extend_schema(operation_id="postings_list", parameters=_FILTER_PARAMETERS, responses=PostingPageSerializer)
    @method_decorator(replica_reads)
    def get(self, request):
        form = PostingSearchForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        page = posting_search(filters=form.filters(), cursor=form.cleaned_data["cursor"] or None)
        return Response(
            PostingPageSerializer(
                {
                    "count": page.count,
                    "count_is_capped": page.count_is_capped,
                    "next": page.next_cursor,
                    "place": page.place,
                    "suggestions": [word for word, _query in page.suggestions],
                    "wider": page.wider,
                    "results": page.postings,
                }
            ).data
        )


class PostingDetailApi(APIView):
    @extend_schema(operation_id="postings_retrieve", responses=PostingDetailSerializer)
    @method_decorator(replica_reads)
    def get(self, request, posting_id):
        return Response(PostingDetailSerializer(posting_detail(posting_id=posting_id)).data)
