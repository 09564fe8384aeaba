"""Limits counted by django-ratelimit in the cache: sign-in and unlock codes (per phone number or username, and per
address), and staff password attempts per username.

Each SMS costs money and a flood of codes is a way to harass someone, so both the number being texted and the
address asking are limited. The rates are settings (SIGN_IN_CODE_RATES_PER_PHONE / _PER_IP,
STAFF_LOGIN_RATES_PER_USERNAME).
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django_ratelimit.core import _split_rate, is_ratelimited

from core.accounts.services import normalize_phone
from core.errors import ApplicationError


def _code_limit_check(request, *, group, key, field):
    # The address first: a request refused for its address then does not use up the number's allowance.
    checks = [(f"{group}:ip", "ip", rate) for rate in settings.SIGN_IN_CODE_RATES_PER_IP]
    checks += [
        (f"{group}:{field}", lambda _group, _request: key, rate) for rate in settings.SIGN_IN_CODE_RATES_PER_PHONE
    ]
    for name, counted_key, rate in checks:
        if is_ratelimited(request, group=name, key=counted_key, rate=rate, increment=True):
            raise ApplicationError(_("获取验证码太频繁，请稍后再试。"), code="rate_limited", field=field)


def sign_in_code_limit_check(request, *, phone):
    """Count this request against every limit; ApplicationError (code "rate_limited") when one is exceeded."""
    _code_limit_check(request, group="sign-in-code", key=normalize_phone(phone), field="phone")


def unlock_code_limit_check(request, *, username):
    """As for sign-in codes, per username (known or not, so that the limit tells nothing) and per address."""
    _code_limit_check(request, group="unlock-code", key=username, field="username")


def staff_login_limit_check(request, *, username):
    """Count one password attempt on `username`; past the allowance ApplicationError (code "rate_limited") whose
    details say when to try again (`retry_after`, seconds: the window of the rate that was exceeded)."""
    for rate in settings.STAFF_LOGIN_RATES_PER_USERNAME:
        if is_ratelimited(
            request, group="staff-login:username", key=lambda _group, _request: username, rate=rate, increment=True
        ):
            _count, seconds = _split_rate(rate)
            raise ApplicationError(
                _("该账号登录尝试太频繁，请%(minutes)d分钟后再试。") % {"minutes": max(1, seconds // 60)},
                code="rate_limited",
                details={"retry_after": seconds},
            )
