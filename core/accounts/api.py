"""Sign-in for job seekers over the API (WeChat mini-programs, partner apps): request a code, then trade it for a
token sent as `Authorization: Token <key>` on later calls."""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from core.accounts.ratelimits import sign_in_code_limit_check
from core.accounts.services import sign_in_code_check, sign_in_code_send
from core.api import ErrorSerializer
from core.typed_input import PhoneSerializerField


class PhoneSerializer(serializers.Serializer):
    phone = PhoneSerializerField(help_text="11位手机号; 可带 +86、空格和短横线")


class SignInCodeCheckSerializer(PhoneSerializer):
    code = serializers.CharField(max_length=6, min_length=6, help_text="短信中的6位验证码")


class SignInCodeSentSerializer(serializers.Serializer):
    phone = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="验证码有效秒数")


class SignInTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="之后的请求带上 Authorization: Token <token>")
    user_id = serializers.IntegerField()


class SignInCodeRequestApi(APIView):
    """Send a 6-digit code by SMS. Limited per phone number and per address (error code `rate_limited`)."""

    authentication_classes = []
    permission_classes = []

    @extend_schema(
        request=PhoneSerializer, responses={202: SignInCodeSentSerializer, 429: ErrorSerializer}, tags=["sign-in"]
    )
    def post(self, request):
        serializer = PhoneSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sign_in_code_limit_check(request, phone=serializer.validated_data["phone"])
        phone = sign_in_code_send(phone=serializer.validated_data["phone"])
        return Response(
            {"phone": phone, "expires_in": settings.SIGN_IN_CODE_TTL_SECONDS}, status=status.HTTP_202_ACCEPTED
        )


class SignInCodeCheckApi(APIView):
    """Check the code; returns the job seeker's API token. A newcomer registers next (POST /api/v1/me/register/)."""

    authentication_classes = []
    permission_classes = []

    @extend_schema(request=SignInCodeCheckSerializer, responses={200: SignInTokenSerializer}, tags=["sign-in"])
    def post(self, request):
        serializer = SignInCodeCheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = sign_in_code_check(**serializer.validated_data)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key, "user_id": user.pk})
