"""长辈模式 (the elder mode of MIIT's 2021 适老化 guidance): larger text, larger tap targets, stronger contrast, simpler
cards and fewer filters, switched on from any page's header and remembered in a cookie, so that it needs no account.

Everything it changes is in the stylesheet under `html.elder`; the server only says whether the class is on. The job
list's cached fragment is therefore the same in both modes.
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

COOKIE_NAME = "elder"
ON = "1"
# A year: a grandmother who turned it on should not find small text again next month.
COOKIE_MAX_AGE = 60 * 60 * 24 * 365


def elder_mode_is_on(request):
    return request.COOKIES.get(COOKIE_NAME) == ON


def elder_mode(request):
    """Context processor: `elder_mode` for the header's switch and the page's class."""
    return {"elder_mode": elder_mode_is_on(request)}


@require_POST
def elder_mode_switch(request):
    """Turn the mode on (`on=1`) or off (anything else) and go back to the page the switch was pressed on."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    response = HttpResponseRedirect(target)
    if request.POST.get("on") == ON:
        response.set_cookie(
            COOKIE_NAME,
            ON,
            max_age=COOKIE_MAX_AGE,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
        )
    else:
        response.delete_cookie(COOKIE_NAME, samesite="Lax")
    return response
