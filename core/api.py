"""What every API shares: one JSON shape for every error.

{"error": {"code": "invalid", "message": "<Chinese sentence>", "fields": {"field": ["message", ...]}}}
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ApplicationError


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        fields = {exc.field: [exc.message]} if exc.field else {}
        # A missing object and one the caller may not see answer the same 404, so that ids cannot be probed.
        status_code = status.HTTP_404_NOT_FOUND if exc.code == "not_found" else status.HTTP_400_BAD_REQUEST
        return _error_response(status_code, exc.code, exc.message, fields)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, (Http404, exceptions.NotFound)):
        return _error_response(response.status_code, "not_found", _("找不到您要的内容。"), {}, response)
    if isinstance(exc, (PermissionDenied, exceptions.PermissionDenied)):
        return _error_response(response.status_code, "permission_denied", _("您没有权限执行此操作。"), {}, response)
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        first = _first_message(fields)
        return _error_response(response.status_code, "invalid", first or _("提交的内容有误。"), fields, response)
    detail = getattr(exc, "detail", "")
    return _error_response(response.status_code, getattr(exc, "default_code", "error"), str(detail), {}, response)


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
