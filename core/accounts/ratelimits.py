"""Limits counted by django-ratelimit in the cache: sign-in and unlock codes (per phone number or username, and per
address), and wrong staff passwords per username.

Each SMS costs money and a flood of codes is a way to harass someone, so both the number being texted and the
address asking are limited. The rates are settings (SIGN_IN_CODE_RATES_PER_PHONE / _PER_IP,
STAFF_LOGIN_RATES_PER_USERNAME).
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from core.accounts.services import normalize_phone
from core.errors import ApplicationError


def _first_exceeded(request, checks):
    """Count the request against each (group, key, rate); the usage of the first one exceeded, or None."""
    for group, key, rate in checks:
        usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
        if usage is not None and usage["should_limit"]:
            return usage
    return None


def _code_limit_check(request, *, group, key, field):
    # The address first: a request refused for its address then does not use up the number's allowance.
    checks = [(f"{group}:ip", "ip", rate) for rate in settings.SIGN_IN_CODE_RATES_PER_IP]
    checks += [
        (f"{group}:{field}", lambda _group, _request: key, rate) for rate in settings.SIGN_IN_CODE_RATES_PER_PHONE
    ]
    usage = _first_exceeded(request, checks)
    if usage is not None:
        raise ApplicationError(
            _("获取验证码太频繁，请稍后再试。"), code="rate_limited", field=field, retry_after=usage["time_left"]
        )


def sign_in_code_limit_check(request, *, phone):
    """Count this request against every limit; ApplicationError (code "rate_limited") when one is exceeded."""
    _code_limit_check(request, group="sign-in-code", key=normalize_phone(phone), field="phone")


def unlock_code_limit_check(request, *, username):
    """As for sign-in codes, per username (known or not, so that the limit tells nothing) and per address."""
    _code_limit_check(request, group="unlock-code", key=username, field="username")


def _staff_login_checks(username):
    return [
        ("staff-login:username", lambda _group, _request: username, rate)
        for rate in settings.STAFF_LOGIN_RATES_PER_USERNAME
    ]


def staff_login_limit_check(request, *, username):
    """Before a password is checked: once `username` has used up its allowance of wrong passwords, ApplicationError
    (code "rate_limited") with `retry_after`, the seconds until the exceeded window ends. Counts nothing itself."""
    for group, key, rate in _staff_login_checks(username):
        usage = get_usage(request, group=group, key=key, rate=rate, increment=False)
        if usage is not None and usage["count"] >= usage["limit"]:
            wait = max(1, int(usage["time_left"]))
            raise ApplicationError(
                _("该账号登录尝试太频繁，请%(minutes)d分钟后再试。") % {"minutes": max(1, round(wait / 60))},
                code="rate_limited",
                retry_after=wait,
            )


def staff_login_failure_count(request, *, username):
    """A wrong password counts against the username's allowance (a right one does not: an office may share it)."""
    _first_exceeded(request, _staff_login_checks(username))
