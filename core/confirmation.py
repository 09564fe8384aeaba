"""Ask before a destructive action: one step that works without JavaScript.

The page's button sends its form as usual (or a link opens the action's URL); the view calls `confirmation_asked`
first, and while the request does not carry the confirmation it answers with a page that says what will happen
and repeats the same fields in a form with the confirming button. Only that second POST acts.

    asked = confirmation_asked(request, consequence=..., confirm_label=_("取消专车并通知乘客"), cancel_url=...)
    if asked:
        return asked
"""

from django.shortcuts import render
from django.utils.translation import gettext as _

CONFIRMED_FIELD = "confirmed"
# Fields the confirmation form writes itself rather than repeats.
_NOT_REPEATED = frozenset({"csrfmiddlewaretoken", CONFIRMED_FIELD})

CONSOLE_FRAME = "console/confirm.html"
SITE_FRAME = "confirm.html"


def is_confirmed(request):
    return request.method == "POST" and request.POST.get(CONFIRMED_FIELD) == "yes"


def confirmation_asked(request, *, consequence, confirm_label, cancel_url, question=None, frame=CONSOLE_FRAME):
    """None once the person has confirmed; until then the page asking them, carrying the request's fields."""
    if is_confirmed(request):
        return None
    submitted = request.POST if request.method == "POST" else request.GET
    fields = [(name, value) for name, values in submitted.lists() if name not in _NOT_REPEATED for value in values]
    query = request.META.get("QUERY_STRING", "") if request.method == "POST" else ""
    context = {
        "question": question or confirm_label,
        "consequence": consequence,
        "confirm_label": confirm_label,
        "back_url": cancel_url,
        "back_label": _("返回，不做更改"),
        "action_url": f"{request.path}?{query}" if query else request.path,
        "fields": fields,
        "confirmed_field": CONFIRMED_FIELD,
    }
    return render(request, frame, context)
