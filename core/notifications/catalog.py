"""The message templates every SMS and inbox message is written from, and the catalogue they are registered in.

The text uses the provider's own `${name}` variables, so the same string is what the SMS provider approves as
the template (its `TemplateCode` comes from settings) and what the inbox shows after substitution.

Each app owns its texts and registers them the same way: a `notifications.py` module of the app holds its
`MessageTemplate`s and calls `register_templates(...)`, and the app's `AppConfig.ready()` imports that module
(core's own texts are registered at the bottom of this file). The catalogue is then the one list the provider's
templates are approved from (docs/notifications.md), while each text lives beside the code that sends it.
"""

import math
import string
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ApplicationError
from core.notifications.choices import Kind

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
    # Sent to many at once though each message is critical (a whole trip's passengers, every booking the reminders'
    # sweep finds due): sent in bulk (`in_bulk`), behind nothing that a person is waiting for this minute.
    many_at_once: bool = False
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
    # Ours alone (a supervisor's weekly-report link): no provider reviews it, so it may carry a link, and it can never
    # go out as an SMS.
    inbox_only: bool = False

    @property
    def in_bulk(self):
        """Whether its SMS go out in bulk: on the `bulk` queue (core/notifications/publishing.py) and within the bulk
        share of the SMS rate (ratelimit.py). The one rule: what is pushed to many at once (a push, a broadcast, a
        fan-out to many) is, what one person is waiting for this minute (a sign-in code, a booking's confirmation)
        is not (docs/notifications.md, "Queues")."""
        return self.kind == Kind.MARKETING or self.broadcastable or self.many_at_once

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

    def fitted(self, context):
        """`context` with each bounded variable cut to its limit ("…" at the end): for a sender whose values come
        from people's typing (a pickup point's name, a staff member's name), where a long name must not cost the
        whole message."""
        fitted = dict(context)
        for name, limit in self.variable_limits.items():
            value = str(fitted.get(name, ""))
            if len(value) > limit:
                fitted[name] = value[: limit - 1] + "…"
        return fitted

    def expires_at(self, moment):
        """When a message written at `moment` stops being worth sending, or None if it never does."""
        if not self.lifetime_setting:
            return None
        return moment + timedelta(seconds=getattr(settings, self.lifetime_setting))

    def params(self, context):
        """The `TemplateParam` the provider gets: exactly the template's variables, as strings."""
        return {name: str(context[name]) for name in self.variables}


# key -> MessageTemplate, filled by register_templates; read through the functions below.
_CATALOGUE = {}


def register_templates(*templates):
    """Add an app's templates to the catalogue. A key is one text: registering another template under a key already
    taken is a programming error, found at start-up rather than by a message sent with the wrong text."""
    for template in templates:
        known = _CATALOGUE.get(template.key)
        if known is not None and known != template:
            raise ImproperlyConfigured(f"Two message templates are named {template.key!r}.")
        _CATALOGUE[template.key] = template
    return templates


def registered_templates():
    """Every template of every app, in the order they were registered."""
    return list(_CATALOGUE.values())


def message_template(key):
    try:
        return _CATALOGUE[key]
    except KeyError:
        raise ApplicationError(_("没有名为“%(key)s”的消息模板。") % {"key": key}, field="template") from None


def template_label(key):
    """What the pages call the template `key` (its key, for a row written from a template since removed)."""
    template = _CATALOGUE.get(key)
    return template.label if template else key


def secret_template_keys():
    return frozenset(key for key, template in _CATALOGUE.items() if template.secret)


def sent_in_bulk(key):
    """`MessageTemplate.in_bulk` of the template `key` (a row written from a template since removed: not in bulk)."""
    template = _CATALOGUE.get(key)
    return template is not None and template.in_bulk


def bulk_template_keys():
    return frozenset(key for key, template in _CATALOGUE.items() if template.in_bulk)


# What staff see next to each variable's field on the broadcast page.
VARIABLE_LABELS = {
    "content": gettext_lazy("通知内容"),
    "date": gettext_lazy("日期"),
    "place": gettext_lazy("地点"),
    "detail": gettext_lazy("补充说明"),
}


def sms_length(text):
    """The characters the provider counts: our signature 【签名】 plus the text."""
    return len(f"【{settings.ALIYUN_SMS_SIGN_NAME}】{text}")


def sms_segments(text):
    length = sms_length(text)
    if length <= SINGLE_SEGMENT_LENGTH:
        return 1
    return math.ceil(length / LONG_SEGMENT_LENGTH)


# --- core's own texts: the sign-in codes (accounts) and the broadcast page's two templates -------------------------

# The provider's rule for promotional SMS (推广短信, both providers): the text says how to refuse more of them.
UNSUBSCRIBE = "拒收请回复R"

# A one-time code goes even to someone who turned SMS off, lives as long as a sign-in code, is blanked once sent,
# and its template's variable is the code alone: six digits.
_ONE_TIME_CODE = {
    "kind": Kind.CRITICAL,
    "ignores_opt_out": True,
    "lifetime_setting": "SIGN_IN_CODE_TTL_SECONDS",
    "secret": True,
    "variable_limits": {"code": 6},
}

register_templates(
    MessageTemplate(
        key="sign_in_code",
        label=gettext_lazy("登录验证码"),
        text="您的验证码是${code}，5分钟内有效。请勿告诉他人。",
        **_ONE_TIME_CODE,
    ),
    MessageTemplate(
        key="staff_unlock_code",
        label=gettext_lazy("工作人员解锁验证码"),
        text="您正在解除工作人员账号的登录锁定，验证码${code}，5分钟内有效。如非本人操作，请联系系统管理员。",
        **_ONE_TIME_CODE,
    ),
    MessageTemplate(
        key="job_fair",
        label=gettext_lazy("招聘会通知"),
        text="${date}在${place}举办春风行动招聘会，${detail}欢迎参加。" + UNSUBSCRIBE,
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
