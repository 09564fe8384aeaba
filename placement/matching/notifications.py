"""The nightly push's message, registered in core.notifications' catalogue when this module is imported
(MatchingConfig.ready() imports it), as every app registers its own texts."""

from django.utils.translation import gettext_lazy

from core.notifications.catalog import SMS_VARIABLE_LIMIT, UNSUBSCRIBE, MessageTemplate, register_templates
from core.notifications.models import Kind

register_templates(
    MessageTemplate(
        key="job_push",
        label=gettext_lazy("岗位推送"),
        # One message a night with a worker's best new jobs (as many as fit `jobs`), so the push costs one SMS.
        # No link in a variable (the provider refuses those): the person signs in where the text says. A
        # promotional SMS says how to refuse more of them (the providers' rule).
        text="春风就业为您推荐${count}个新岗位，如${jobs}。请登录春风就业，在“为您推荐”中查看并报名。" + UNSUBSCRIBE,
        variable_limits={"count": 3, "jobs": SMS_VARIABLE_LIMIT},
        kind=Kind.MARKETING,
    ),
)
