"""Limits on sending sign-in codes, per phone number and per address, counted by django-ratelimit in the cache.

Each SMS costs money and a flood of codes is a way to harass someone, so both the number being texted and the
address asking are limited. The rates are settings (SIGN_IN_CODE_RATES_PER_PHONE / _PER_IP).
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from core.accounts.services import normalize_phone
from core.errors import ApplicationError


def sign_in_code_limit_check(request, *, phone):
    """Count this request against every limit; ApplicationError (code "rate_limited") when one is exceeded."""
    phone = normalize_phone(phone)
    # The address first: a request refused for its address then does not use up the number's allowance.
    checks = [("sign-in-code:ip", "ip", rate) for rate in settings.SIGN_IN_CODE_RATES_PER_IP]
    checks += [
        ("sign-in-code:phone", lambda group, request: phone, rate) for rate in settings.SIGN_IN_CODE_RATES_PER_PHONE
    ]
    for group, key, rate in checks:
        usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
        if usage is not None and usage["should_limit"]:
            raise ApplicationError(
                _("获取验证码太频繁，请稍后再试。"),
                code="rate_limited",
                field="phone",
                retry_after=usage["time_left"],
            )
