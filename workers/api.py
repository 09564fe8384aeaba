"""The worker's own profile and registration, and the staff ledger, for WeChat mini-programs and partner systems.

Authentication: a session, or `Authorization: Token <key>` from POST /api/v1/auth/token/. ID numbers are masked in
every staff response; the whole number is only on the record page in the console, where viewing it is audited.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from core.accounts.models import Role
from core.api import LARGEST_ID, validated_query
from core.client_address import client_address
from core.errors import ApplicationError
from core.identity import IdNumberSerializerField
from core.regions.fields import RegionField
from core.regions.models import Region, RegionLevel
from core.typed_input import PhoneSerializerField, WholeNumberSerializerField
from workers import selectors, services
from workers.models import MAX_EXPECTED_WAGE, KeyGroup, WantedArea, Worker, WorkerStatus
from workers.ratelimits import registration_limit_check


class IsJobSeeker(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.user.is_authenticated and request.user.role == Role.JOB_SEEKER


class IsConsoleUser(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.user.is_authenticated and request.user.is_console_user


class WorkerSerializer(serializers.ModelSerializer):
    """A worker as staff see them: the ID number masked, and beside it a birth decade, never the date, which would
    give the number back (core.privacy.masking)."""

    id_number = serializers.CharField(source="id_number_masked", read_only=True)
    age_band = serializers.CharField(read_only=True, help_text="出生年代及其年龄范围，例: 80后（36-46岁）")
    home_region = serializers.CharField(source="home_region_id", read_only=True)
    home_region_name = serializers.CharField(source="home_region.name", read_only=True)
    key_groups = serializers.SerializerMethodField()
    secretary = serializers.SerializerMethodField()

    class Meta:
        model = Worker
        fields = [
            "id", "full_name", "id_number", "sex", "age_band", "home_region", "home_region_name", "status",
            "status_since", "skills", "wanted_occupations", "wanted_area", "wanted_cities", "expected_wage",
            "available_from", "key_groups", "secretary", "registered_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_key_groups(self, worker) -> list[str]:
        return [group.group for group in worker.key_groups.all()]

    def get_secretary(self, worker) -> dict | None:
        secretary = worker.secretary
        if secretary is None:
            return None
        return {"name": secretary.get_full_name() or secretary.username, "phone": secretary.phone or ""}


class OwnWorkerSerializer(WorkerSerializer):
    """The worker's own record, with their phone and date of birth. The ID number stays masked here as everywhere;
    the whole of it is on /me/data/, where each look is written to the audit log."""

    phone = serializers.CharField(source="user.phone", read_only=True)

    class Meta(WorkerSerializer.Meta):
        fields = [*WorkerSerializer.Meta.fields, "birth_date", "phone"]
        read_only_fields = fields


class ProfileInputSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=50)
    home_region = RegionField(levels=[RegionLevel.VILLAGE], help_text="户籍村（社区）的12位代码")
    skills = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    wanted_occupations = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    wanted_area = serializers.ChoiceField(choices=WantedArea.choices, default=WantedArea.ANYWHERE)
    wanted_cities = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    expected_wage = WholeNumberSerializerField(
        min_value=0, max_value=MAX_EXPECTED_WAGE, required=False, allow_null=True, default=None
    )
    available_from = serializers.DateField(required=False, allow_null=True, default=None)
    key_groups = serializers.ListField(
        child=serializers.ChoiceField(choices=KeyGroup.choices), required=False, default=list
    )


class RegistrationInputSerializer(ProfileInputSerializer):
    id_number = IdNumberSerializerField(help_text="18位居民身份证号")
    status = serializers.ChoiceField(choices=WorkerStatus.choices)
    consent = serializers.BooleanField(help_text="是否同意个人信息处理规则（必须为 true）")


class AssistedRegistrationInputSerializer(RegistrationInputSerializer):
    phone = PhoneSerializerField(help_text="务工人员的11位手机号")


def _register(data, *, phone, registered_by=None):
    data = dict(data)
    return services.worker_register(phone=phone, consent_given=data.pop("consent"), registered_by=registered_by, **data)


class OwnWorkerApi(APIView):
    """The signed-in job seeker's own record; PATCH corrects it (everything but the ID number and phone)."""

    permission_classes = [IsJobSeeker]

    def _worker(self, request):
        worker = selectors.own_worker(request.user, whole_record=True)
        if worker is None:
            raise ApplicationError(_("您还没有登记，请先提交登记信息。"), code="not_registered")
        return worker

    @extend_schema(responses=OwnWorkerSerializer, tags=["workers"])
    def get(self, request):
        return Response(OwnWorkerSerializer(self._worker(request)).data)

    @extend_schema(request=ProfileInputSerializer, responses=OwnWorkerSerializer, tags=["workers"])
    def patch(self, request):
        worker = self._worker(request)
        serializer = ProfileInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        key_groups = changes.pop("key_groups", None)
        services.worker_update(worker=worker, actor=request.user, key_groups=key_groups, **changes)
        return Response(OwnWorkerSerializer(selectors.own_worker(request.user, whole_record=True)).data)


class OwnRegistrationApi(APIView):
    """A job seeker signed in by SMS code registers themselves (the phone is the one they signed in with).

    An ID number already in the ledger is answered only as taken; attempts are limited per account and per address
    (error code `rate_limited`) and each one that hits a registered number is audited."""

    permission_classes = [IsJobSeeker]

    @extend_schema(request=RegistrationInputSerializer, responses={201: OwnWorkerSerializer}, tags=["workers"])
    def post(self, request):
        serializer = RegistrationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration_limit_check(request)
        data = dict(serializer.validated_data)
        services.worker_self_register(
            user=request.user, address=client_address(request), consent_given=data.pop("consent"), **data
        )
        return Response(
            OwnWorkerSerializer(selectors.own_worker(request.user, whole_record=True)).data,
            status=status.HTTP_201_CREATED,
        )


class LedgerPagination(PageNumberPagination):
    page_size = 50
    max_page_size = 500
    page_size_query_param = "page_size"


class LedgerFilterSerializer(serializers.Serializer):
    region = serializers.CharField(required=False, help_text="区划代码，只看此区划及下级")
    status = serializers.ChoiceField(choices=WorkerStatus.choices, required=False, allow_blank=True)
    key_group = serializers.ChoiceField(choices=KeyGroup.choices, required=False, allow_blank=True)
    secretary = serializers.IntegerField(
        required=False, min_value=1, max_value=LARGEST_ID, help_text="就业秘书的用户 id"
    )


class LedgerApi(generics.ListAPIView):
    """The staff member's ledger (their region's subtree), masked. POST registers a worker on their behalf."""

    permission_classes = [IsConsoleUser]
    serializer_class = WorkerSerializer
    pagination_class = LedgerPagination

    @extend_schema(parameters=[LedgerFilterSerializer], tags=["ledger"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = validated_query(self.request, LedgerFilterSerializer)
        region = None
        if params.get("region"):
            region = Region.objects.filter(code=params["region"]).first()
            if region is None:
                raise ApplicationError(_("地区代码不存在。"), field="region")
        filters = selectors.LedgerFilters(
            region=region,
            status=params.get("status", ""),
            key_group=params.get("key_group", ""),
            secretary_id=params.get("secretary"),
        )
        return selectors.ledger_workers(user=self.request.user, filters=filters).order_by("-registered_at", "-id")

    @extend_schema(request=AssistedRegistrationInputSerializer, responses={201: WorkerSerializer}, tags=["ledger"])
    def post(self, request):
        serializer = AssistedRegistrationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        worker = _register(data, phone=data.pop("phone"), registered_by=request.user)
        return Response(WorkerSerializer(worker).data, status=status.HTTP_201_CREATED)


class LedgerWorkerApi(generics.RetrieveAPIView):
    permission_classes = [IsConsoleUser]
    serializer_class = WorkerSerializer

    @extend_schema(tags=["ledger"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        return selectors.ledger_worker(user=self.request.user, worker_id=self.kwargs["worker_id"])
