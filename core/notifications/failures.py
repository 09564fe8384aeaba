"""Why an SMS failed, in words a staff member can act on: the provider's error codes grouped and explained.

Codes: https://help.aliyun.com/document_detail/101346.html (API 错误码) and our own codes for what never reached
an answer (connect, no-answer, not-received, expired, config).
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FailureReason:
    code: str
    count: int
    explanation: str
    # Whether resending can help once the cause is fixed (a bad number or an expired code will not go anyway).
    resendable: bool = True


def _explanations():
    rate_limited = _("短信服务商限流：每个号码每天最多 %(limit)s 条。请明天再重发，或请管理员调整服务商的流控设置。")
    rate_limited %= {"limit": settings.NOTIFICATIONS_PROVIDER_DAILY_LIMIT}
    unreachable = _("短信服务商暂时无法连接或繁忙：请稍后重发。")
    return {
        "isv.BUSINESS_LIMIT_CONTROL": (rate_limited, True),
        "Throttling.User": (rate_limited, True),
        "Throttling.Api": (unreachable, True),
        "SignatureDoesNotMatch": (_("短信签名密钥错误：请管理员检查 ALIYUN_SMS_ACCESS_KEY_SECRET。"), True),
        "InvalidAccessKeyId.NotFound": (_("短信密钥编号不存在：请管理员检查 ALIYUN_SMS_ACCESS_KEY_ID。"), True),
        "isv.SMS_TEMPLATE_ILLEGAL": (
            _("短信模板未通过审核或模板号错误：请管理员检查 ALIYUN_SMS_TEMPLATE_CODES。"),
            True,
        ),
        "isv.SMS_SIGNATURE_ILLEGAL": (_("短信签名未通过审核：请管理员检查 ALIYUN_SMS_SIGN_NAME。"), True),
        "config": (_("没有为这个模板配置短信模板号：请管理员在 ALIYUN_SMS_TEMPLATE_CODES 中添加。"), True),
        "isv.AMOUNT_NOT_ENOUGH": (_("短信账户余额不足：请管理员充值后重发。"), True),
        "isv.OUT_OF_SERVICE": (_("短信账户已停机：请管理员检查服务商账户。"), True),
        "isv.MOBILE_NUMBER_ILLEGAL": (_("手机号码无效：请更正这些人员的手机号。"), False),
        "isv.BLACK_KEY_CONTROL_LIMIT": (_("内容含服务商禁止的词语：请修改内容后另建群发。"), False),
        "isp.SYSTEM_ERROR": (unreachable, True),
        "connect": (unreachable, True),
        "no-answer": (unreachable, True),
        "not-received": (unreachable, True),
        "expired": (_("已过有效期，不再发送。"), False),
    }


def failure_reasons(counts):
    """[(code, count)] → FailureReasons, the most frequent first, each with its explanation."""
    explanations = _explanations()
    reasons = []
    for code, count in sorted(counts, key=lambda pair: -pair[1]):
        explanation, resendable = explanations.get(
            code, (_("服务商返回错误 %(code)s：请联系管理员。") % {"code": code or _("未知")}, True)
        )
        reasons.append(FailureReason(code=code, count=count, explanation=explanation, resendable=resendable))
    return reasons


def undelivered_explanation(code):
    """The carrier's receipt code of an SMS that was sent but not delivered (空号, 停机, 拒收 …; the codes differ by
    carrier, so they are shown as they came)."""
    return _("运营商未送达（%(code)s）") % {"code": code or _("未知原因")}
