"""Requests no person types: control characters (a NUL byte above all) in the path, the query or a posted form, and
a posted form that cannot be read at all (multipart without its boundary, as the API fuzzer sends).

PostgreSQL refuses a NUL in any text, and Excel files refuse most control characters, so such a value reaching a
query or an export is a server error. Rather than guard every view's `request.GET.get(...)`, this middleware answers
them all at the door with a 400 and a Chinese message. Tab, line feed and carriage return are text (a textarea
posts them) and pass.
"""

import re

from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Reading a posted form here costs nothing more: CsrfViewMiddleware reads it before any view anyway.
_FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_control_characters(request):
    if _CONTROL_CHARACTERS.search(request.path):
        return True
    sources = [request.GET]
    if request.method == "POST" and request.content_type in _FORM_CONTENT_TYPES:
        sources.append(request.POST)
    return any(
        _CONTROL_CHARACTERS.search(key) or any(_CONTROL_CHARACTERS.search(value) for value in values)
        for source in sources
        for key, values in source.lists()
    )


def _what_is_malformed(request):
    """The Chinese message for a request no view should see, or None for an ordinary one."""
    try:
        if _has_control_characters(request):
            return _("网址或提交的内容中有无法识别的控制字符，请检查后重新输入。")
    except MultiPartParserError:
        return _("提交的表单内容不完整，无法读取，请刷新页面后重新提交。")
    return None


class RefuseMalformedRequestsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        message = _what_is_malformed(request)
        if message is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"error": {"code": "invalid", "message": message, "fields": {}}},
                status=400,
                json_dumps_params={"ensure_ascii": False},
            )
        # The site's own error page, so the visitor keeps the menu and a way back.
        return render(request, "400.html", {"message": message}, status=400)
