"""The message templates every SMS and inbox message is written from.

The text uses the provider's own `${name}` variables, so the same string is what the SMS provider approves as
the template (its `TemplateCode` comes from settings) and what the inbox shows after substitution.
"""

import math
import string
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ApplicationError
from core.notifications.models import Kind

# Alibaba Cloud SMS billing rule ("短信计费规则"): up to 70 characters (signature included) is one message;
# longer text is sent as a long SMS billed at 67 characters a segment.
SINGLE_SEGMENT_LENGTH = 70
LONG_SEGMENT_LENGTH = 67
# The provider reviews a template's fixed text and caps each variable's value (35 characters for notices, its
# "短信模板变量长度限制"): a text of our own through a long variable would be refused or cut.
SMS_VARIABLE_LIMIT = 35


@dataclass(frozen=True)
class MessageTemplate:
    key: str
    label: str
    text: str
    kind: str
    # Whether staff may pick it on the broadcast page.
    broadcastable: bool = False
    # A message the recipient asked for this very minute (a sign-in code) still comes after they turned SMS off:
    # turning it off is about what we push, and without the code they could not sign in to turn it back on.
    ignores_opt_out: bool = False
    # A secret (a sign-in code): its text and variables are blanked in the outbox once the provider has it, so the
    # table never holds a usable code for longer than it takes to send it.
    secret: bool = False
    # The setting that holds how many seconds the message is of use (a sign-in code's life): never sent after it.
    lifetime_setting: str = ""
    # The longest value each variable may take in an SMS (the provider's review); inbox-only messages are not bound.
    variable_limits: dict = field(default_factory=dict)

    @cached_property
    def variables(self):
        return string.Template(self.text).get_identifiers()

    def render(self, context):
        missing = [name for name in self.variables if not str(context.get(name, "")).strip()]
        if missing:
            raise ApplicationError(
                _("模板“%(template)s”缺少变量: %(names)s。") % {"template": self.label, "names": "、".join(missing)},
                field="context",
            )
        return string.Template(self.text).substitute({name: str(context[name]) for name in self.variables})

    def check_sms_limits(self, context):
        """ApplicationError when a variable is longer than the provider lets an SMS variable be."""
        too_long = [
            name for name, limit in self.variable_limits.items() if len(str(context.get(name, "")).strip()) > limit
        ]
        if too_long:
            raise ApplicationError(
                _("短信模板“%(template)s”的变量过长（%(names)s），每项最多 %(limit)s 字。")
                % {
                    "template": self.label,
                    "names": "、".join(str(VARIABLE_LABELS.get(name, name)) for name in too_long),
                    "limit": min(self.variable_limits[name] for name in too_long),
                },
                field="context",
            )

    def expires_at(self, moment):
        """When a message written at `moment` stops being worth sending, or None if it never does."""
        if not self.lifetime_setting:
            return None
        return moment + timedelta(seconds=getattr(settings, self.lifetime_setting))

    def params(self, context):
        """The `TemplateParam` the provider gets: exactly the template's variables, as strings."""
        return {name: str(context[name]) for name in self.variables}


TEMPLATES = {
    template.key: template
    for template in (
        MessageTemplate(
            key="sign_in_code",
            label=gettext_lazy("登录验证码"),
            text="您的验证码是${code}，5分钟内有效。请勿告诉他人。",
            kind=Kind.CRITICAL,
            ignores_opt_out=True,
            lifetime_setting="SIGN_IN_CODE_TTL_SECONDS",
            secret=True,
        ),
        MessageTemplate(
            key="staff_unlock_code",
            label=gettext_lazy("工作人员解锁验证码"),
            text="您正在解除工作人员账号的登录锁定，验证码${code}，5分钟内有效。如非本人操作，请联系系统管理员。",
            kind=Kind.CRITICAL,
            ignores_opt_out=True,
            lifetime_setting="SIGN_IN_CODE_TTL_SECONDS",
            secret=True,
        ),
        MessageTemplate(
            key="trip_departure",
            label=gettext_lazy("返岗专车发车提醒"),
            text="您预约的返岗专车${trip}将于${time}从${place}出发，请提前15分钟到达并携带身份证。",
            kind=Kind.CRITICAL,
        ),
        MessageTemplate(
            # workers: a village agent or county staff registered the person; they must know (PIPL).
            key="worker_registered_by_staff",
            label=gettext_lazy("代为登记通知"),
            text="${region}的${staff}已为您（${name}）登记求职信息。用本手机号登录春风就业可查看、更正或申请删除。",
            kind=Kind.CRITICAL,
        ),
        MessageTemplate(
            key="job_push",
            label=gettext_lazy("岗位推送"),
            # One message a night with a worker's best new jobs (as many as fit `jobs`), so the push costs one SMS.
            # No link in a variable (the provider refuses those): the person signs in where the text says.
            text="春风就业为您推荐${count}个新岗位，如${jobs}。请登录春风就业，在“为您推荐”中查看并报名。",
            variable_limits={"count": 3, "jobs": SMS_VARIABLE_LIMIT},
            kind=Kind.MARKETING,
        ),
        MessageTemplate(
            # portal.statistics: every Monday morning, to each city and province supervisor; inbox only.
            key="weekly_report",
            label=gettext_lazy("春风行动进展周报"),
            text="${region}春风行动进展周报（${week}）已生成，请查看：${link}",
            kind=Kind.CRITICAL,
        ),
        MessageTemplate(
            # portal.statistics: a secretary's 稳岗回访 falls due 30 and 90 days after a worker started; inbox only.
            key="retention_due",
            label=gettext_lazy("稳岗回访提醒"),
            text="${name}上岗已满${days}天，请做稳岗回访并在服务记录中登记是否仍在岗：${link}",
            kind=Kind.CRITICAL,
        ),
        MessageTemplate(
            key="job_fair",
            label=gettext_lazy("招聘会通知"),
            text="${date}在${place}举办春风行动招聘会，${detail}欢迎参加。",
            variable_limits={"date": 20, "place": 20, "detail": SMS_VARIABLE_LIMIT},
            kind=Kind.MARKETING,
            broadcastable=True,
        ),
        MessageTemplate(
            key="announcement",
            label=gettext_lazy("就业服务通知"),
            # Fixed wording around one bounded variable: a template made only of variables is refused.
            text="春风就业服务通知：${content}（咨询请联系当地人社部门）",
            variable_limits={"content": SMS_VARIABLE_LIMIT},
            kind=Kind.MARKETING,
            broadcastable=True,
        ),
    )
}

SECRET_TEMPLATES = frozenset(key for key, template in TEMPLATES.items() if template.secret)


# What staff see next to each variable's field on the broadcast page.
VARIABLE_LABELS = {
    "content": gettext_lazy("通知内容"),
    "date": gettext_lazy("日期"),
    "place": gettext_lazy("地点"),
    "detail": gettext_lazy("补充说明"),
}


def message_template(key):
    try:
        return TEMPLATES[key]
    except KeyError:
        raise ApplicationError(_("没有名为“%(key)s”的消息模板。") % {"key": key}, field="template") from None


def sms_length(text):
    """The characters the provider counts: our signature 【签名】 plus the text."""
    return len(f"【{settings.ALIYUN_SMS_SIGN_NAME}】{text}")


def sms_segments(text):
    length = sms_length(text)
    if length <= SINGLE_SEGMENT_LENGTH:
        return 1
    return math.ceil(length / LONG_SEGMENT_LENGTH)
