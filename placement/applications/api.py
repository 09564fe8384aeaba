"""The worker's applications over the API: apply to a posting, list their own. Session or token authentication."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import ApplicationError
from placement.applications import selectors, services
from placement.applications.models import Application
from workers.api import IsJobSeeker
from workers.selectors import own_worker


class ApplicationSerializer(serializers.ModelSerializer):
    posting_title = serializers.CharField(source="posting.title", read_only=True)
    employer_name = serializers.CharField(source="posting.employer.name", read_only=True)

    class Meta:
        model = Application
        fields = ["id", "posting", "posting_title", "employer_name", "state", "source", "created_at", "updated_at"]
        read_only_fields = fields


def _registered_worker(user):
    worker = own_worker(user)
    if worker is None:
        raise ApplicationError(_("请先登记求职信息。"), code="not_registered")
    return worker


class PostingApplicationApi(APIView):
    permission_classes = [IsJobSeeker]

    @extend_schema(
        operation_id="postings_applications_create",
        summary="报名岗位",
        description="一键报名. 已报名过时返回同一条报名 (200); 岗位未发布、已过期或已招满时返回 400 和中文原因.",
        request=None,
        responses={201: ApplicationSerializer, 200: ApplicationSerializer},
    )
    def post(self, request, posting_id):
        application, created = services.application_apply(
            worker=_registered_worker(request.user), posting_id=posting_id
        )
        application = selectors.worker_application(worker=application.worker, application_id=application.id)
        return Response(
            ApplicationSerializer(application).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class OwnApplicationsApi(APIView):
    permission_classes = [IsJobSeeker]

    @extend_schema(operation_id="me_applications_list", summary="我的报名", responses=ApplicationSerializer(many=True))
    def get(self, request):
        applications = selectors.worker_applications(worker=_registered_worker(request.user))[:200]
        return Response(ApplicationSerializer(applications, many=True).data)
