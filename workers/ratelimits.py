"""Limits on self-registration attempts, per account and per address, counted by django-ratelimit in the cache.

Each attempt can test whether an ID number is already registered; the answer says no more than that, and these
limits keep anyone from testing many numbers. Rates are settings (REGISTRATION_RATES_PER_ACCOUNT / _PER_IP).
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from core.errors import ApplicationError


def registration_limit_check(request):
    """Count this attempt against every limit; ApplicationError (code "rate_limited") when one is exceeded."""
    account = str(request.user.pk)
    checks = [("registration:ip", "ip", rate) for rate in settings.REGISTRATION_RATES_PER_IP]
    checks += [
        ("registration:account", lambda group, request: account, rate)
        for rate in settings.REGISTRATION_RATES_PER_ACCOUNT
    ]
    for group, key, rate in checks:
        usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
        if usage is not None and usage["should_limit"]:
            message = _("登记提交太频繁，请稍后再试。")
            raise ApplicationError(message, code="rate_limited", field="id_number", retry_after=usage["time_left"])
