"""What every API shares: one JSON shape for every error, the HTTP status each service error stands for, and the
schema class that lists those errors on every operation of the OpenAPI document.

{"error": {"code": "invalid", "message": "<Chinese sentence>", "fields": {"field": ["message", ...]}}}
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ApplicationError

# A service error's code decides its status; every other code is the caller's bad input (400).
STATUS_BY_CODE = {
    "not_found": status.HTTP_404_NOT_FOUND,
    "forbidden": status.HTTP_403_FORBIDDEN,
    "permission_denied": status.HTTP_403_FORBIDDEN,
    # Signed in, but nothing can be done for them until they register as a worker.
    "not_registered": status.HTTP_403_FORBIDDEN,
    "conflict": status.HTTP_409_CONFLICT,
    "duplicate": status.HTTP_409_CONFLICT,
    "rate_limited": status.HTTP_429_TOO_MANY_REQUESTS,
}
# The largest id a filter may name: primary keys are PostgreSQL bigints, and a larger number is bad input, not a 500.
LARGEST_ID = 2**63 - 1


def validated_query(request, serializer_class):
    """The request's query parameters read through a serializer: an unknown value of a filter is a 400 that names
    the parameter, never a filter silently dropped (which would answer a different question than the one asked)."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return _application_error_response(exc)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, (Http404, exceptions.NotFound)):
        return _error_response(response.status_code, "not_found", _("找不到您要的内容。"), {}, response)
    if isinstance(exc, (PermissionDenied, exceptions.PermissionDenied)):
        # A view that says why (PermissionDenied("...")) keeps its sentence; DRF's own default becomes ours.
        detail = getattr(exc, "detail", None)
        said_why = detail is not None and str(detail) != str(exceptions.PermissionDenied.default_detail)
        message = str(detail) if said_why else _("您没有权限执行此操作。")
        return _error_response(response.status_code, "permission_denied", message, {}, response)
    if isinstance(exc, exceptions.ValidationError):
        detail = _with_our_messages(exc.detail)
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        first = _first_message(fields)
        return _error_response(response.status_code, "invalid", first or _("提交的内容有误。"), fields, response)
    detail = getattr(exc, "detail", "")
    return _error_response(response.status_code, getattr(exc, "default_code", "error"), str(detail), {}, response)


def _application_error_response(exc):
    status_code = STATUS_BY_CODE.get(exc.code, status.HTTP_400_BAD_REQUEST)
    fields = {exc.field: [exc.message]} if exc.field else {}
    response = _error_response(status_code, exc.code, exc.message, fields)
    if status_code == status.HTTP_429_TOO_MANY_REQUESTS:
        response["Retry-After"] = str(exc.retry_after_seconds)
    return response


def not_found_response():
    """The API's 404 for a path that no endpoint serves (outside DRF, from the project's handler404)."""
    body = {"error": {"code": "not_found", "message": _("找不到您要的内容。"), "fields": {}}}
    return JsonResponse(body, status=status.HTTP_404_NOT_FOUND)


def _with_our_messages(detail):
    """DRF's error details with the messages whose Chinese from Django is wrong replaced: its check for a NUL in
    text (every CharField's) says "不允许是用空字符串", empty strings are not allowed."""
    if isinstance(detail, dict):
        return {name: _with_our_messages(value) for name, value in detail.items()}
    if isinstance(detail, list):
        return [_with_our_messages(value) for value in detail]
    if isinstance(detail, exceptions.ErrorDetail) and detail.code == "null_characters_not_allowed":
        return exceptions.ErrorDetail(_("不能包含空字符（\\x00）。"), code=detail.code)
    return detail


def _first_message(fields):
    for messages in fields.values():
        if isinstance(messages, dict):
            nested = _first_message(messages)
            if nested:
                return nested
        elif isinstance(messages, (list, tuple)) and messages:
            return str(messages[0])
        elif messages:
            return str(messages)
    return ""


def _error_response(status_code, code, message, fields, original=None):
    body = {"error": {"code": code, "message": message, "fields": fields}}
    headers = {}
    if original is not None:
        for header in ("Retry-After", "WWW-Authenticate", "Allow"):
            if header in original:
                headers[header] = original[header]
    return Response(body, status=status_code, headers=headers)


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="机器可读的错误代码, 例: invalid, not_found, permission_denied, conflict")
    message = serializers.CharField(help_text="给用户看的中文说明")
    fields = serializers.DictField(help_text="按字段列出的错误说明; 与字段无关时为空")


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


_ERROR_DESCRIPTIONS = {
    400: "输入有误 (invalid 等)",
    403: "未登录、无权限或尚未登记 (permission_denied, not_registered)",
    404: "对象不存在或不在您的管辖范围内 (not_found)",
    409: "与现有数据冲突 (conflict, duplicate)",
    429: "请求太频繁 (rate_limited); Retry-After 给出可重试的秒数",
}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, plus the errors an operation can answer, each in the common error shape.

    Every operation can answer 400; one behind a permission 403; one with an id in its path (or a page number)
    404; one behind a permission that writes 409. A rate-limited operation declares its 429 itself
    (`responses={..., 429: ErrorSerializer}`).
    """

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status_code in self._error_statuses(declared=responses):
            responses[str(status_code)] = self._get_response_for_code(
                ErrorSerializer, str(status_code), direction=direction
            )
            responses[str(status_code)]["description"] = _ERROR_DESCRIPTIONS[status_code]
        if "429" in responses:
            responses["429"]["headers"] = {
                "Retry-After": {"schema": {"type": "integer"}, "description": "多少秒后可以重试"}
            }
        return responses

    def _error_statuses(self, *, declared):
        statuses = {status.HTTP_400_BAD_REQUEST}
        guarded = any(not issubclass(permission, permissions.AllowAny) for permission in self.view.permission_classes)
        if guarded:
            statuses.add(status.HTTP_403_FORBIDDEN)
        paged = self.method == "GET" and getattr(self.view, "pagination_class", None) is not None
        if "{" in self.path or paged:
            statuses.add(status.HTTP_404_NOT_FOUND)
        if guarded and self.method in ("POST", "PUT", "PATCH", "DELETE"):
            statuses.add(status.HTTP_409_CONFLICT)
        if "429" in declared:
            statuses.add(status.HTTP_429_TOO_MANY_REQUESTS)
        return sorted(statuses)
