"""SMS gateways: the console (log) gateway and Alibaba Cloud SMS (dysmsapi, RPC style, signature version 1.0).

A gateway sends one text to many numbers in one call and says what happened; it raises `TransientError` for what
is worth retrying (timeouts, 5xx, throttling) and `PermanentError` for what never will succeed (a bad number, a
rejected template). Protocol: https://help.aliyun.com/document_detail/101414.html (SendSms),
https://help.aliyun.com/document_detail/102352.html (QuerySendDetails),
https://help.aliyun.com/document_detail/101343.html (signature).
"""

import base64
import hashlib
import hmac
import json
import logging
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

import urllib3
from django.conf import settings

logger = logging.getLogger(__name__)

# The provider takes up to 1,000 comma-separated numbers in one SendSms call.
PROVIDER_MAX_NUMBERS = 1000


class GatewayError(Exception):
    def __init__(self, reason, *, code=""):
        super().__init__(reason)
        self.reason = reason
        self.code = code


class TransientError(GatewayError):
    """Worth retrying later: the provider was unreachable, overloaded or throttling us."""


class PermanentError(GatewayError):
    """Retrying cannot help: the number, the signature or the template is refused."""

    def __init__(self, reason, *, code="", per_number=False):
        super().__init__(reason, code=code)
        # A refusal about one number: when it came from a batch, the other numbers deserve their own try.
        self.per_number = per_number


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str


@dataclass(frozen=True)
class Delivery:
    """What the provider knows about one earlier send (QuerySendDetails)."""

    out_id: str
    failed: bool
    error_code: str


# The provider's codes that mean "try again later"; any other code except OK refuses the request for good.
# https://help.aliyun.com/document_detail/101346.html (错误码)
TRANSIENT_CODES = frozenset(
    {
        "isp.SYSTEM_ERROR",
        "isp.GATEWAY_ERROR",
        "isv.BUSINESS_LIMIT_CONTROL",
        "Throttling.User",
        "Throttling.Api",
        "ServiceUnavailable",
        "InternalError",
        "isv.OUT_OF_SERVICE",
        "isv.AMOUNT_NOT_ENOUGH",
    }
)
PER_NUMBER_CODES = frozenset(
    {"isv.MOBILE_NUMBER_ILLEGAL", "isv.MOBILE_COUNT_OVER_LIMIT", "isv.BLACK_KEY_CONTROL_LIMIT"}
)


def percent_encode(value):
    """RFC 3986 encoding as the provider's signature requires: space %20, * %2A, ~ kept."""
    return quote(str(value), safe="-_.~")


def rpc_signature(params, secret, *, method="POST"):
    """HMAC-SHA1 over METHOD&%2F&encoded(sorted, encoded query), keyed with secret + "&" (signature version 1.0)."""
    canonical = "&".join(
        f"{percent_encode(key)}={percent_encode(value)}" for key, value in sorted(params.items()) if key != "Signature"
    )
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class ConsoleGateway:
    """Writes each message to the log: the embedded default and for development.

    It also keeps the last few hundred messages in memory, as a phone would, so that a developer (or a browser
    test) can read a sign-in code after the outbox has blanked it. It is never the production gateway, whose
    provider is the only place a code goes.
    """

    name = "console"
    KEPT = 500

    def __init__(self):
        self.sent = deque(maxlen=self.KEPT)

    def send(self, *, phones, template, params, text, out_id):
        for phone in phones:
            logger.info("SMS to %s (%s, OutId %s): %s", phone, template, out_id, text)
            self.sent.append((phone, template, dict(params)))
        return SendResult(provider_message_id=f"console-{out_id}")

    def last_params(self, *, phone, template):
        """The variables of the latest `template` message sent to `phone`, or None."""
        for sent_phone, sent_template, params in reversed(self.sent):
            if (sent_phone, sent_template) == (phone, template):
                return params
        return None

    def deliveries(self, *, phone, sent_on):
        # The log remembers nothing, so a row stuck while logging is sent again.
        return []


class AliyunGateway:
    name = "aliyun"
    api_version = "2017-05-25"

    def __init__(self):
        self.endpoint = settings.ALIYUN_SMS_ENDPOINT
        self.http = urllib3.PoolManager(
            maxsize=4,
            timeout=urllib3.Timeout(total=settings.ALIYUN_SMS_TIMEOUT_SECONDS),
            retries=False,
        )

    def send(self, *, phones, template, params, text, out_id):
        template_code = settings.ALIYUN_SMS_TEMPLATE_CODES.get(template)
        if not template_code:
            raise PermanentError(f"no TemplateCode configured for template {template}", code="config")
        response = self._call(
            "SendSms",
            PhoneNumbers=",".join(phones),
            SignName=settings.ALIYUN_SMS_SIGN_NAME,
            TemplateCode=template_code,
            TemplateParam=json.dumps(params, ensure_ascii=False, separators=(",", ":")),
            OutId=out_id,
        )
        return SendResult(provider_message_id=response.get("BizId", ""))

    def deliveries(self, *, phone, sent_on):
        response = self._call(
            "QuerySendDetails", PhoneNumber=phone, SendDate=sent_on.strftime("%Y%m%d"), PageSize=50, CurrentPage=1
        )
        details = response.get("SmsSendDetailDTOs", {}).get("SmsSendDetailDTO", [])
        # SendStatus: 1 waiting for the carrier's receipt, 2 failed, 3 delivered.
        return [
            Delivery(
                out_id=detail.get("OutId", ""),
                failed=detail.get("SendStatus") == 2,
                error_code=detail.get("ErrCode", ""),
            )
            for detail in details
        ]

    def _call(self, action, **action_params):
        params = {
            "AccessKeyId": settings.ALIYUN_SMS_ACCESS_KEY_ID,
            "Action": action,
            "Format": "JSON",
            "RegionId": "cn-hangzhou",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": self.api_version,
            **{key: str(value) for key, value in action_params.items()},
        }
        params["Signature"] = rpc_signature(params, settings.ALIYUN_SMS_ACCESS_KEY_SECRET)
        body = "&".join(f"{percent_encode(key)}={percent_encode(value)}" for key, value in params.items())
        try:
            response = self.http.request(
                "POST",
                self.endpoint,
                body=body.encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
        except urllib3.exceptions.HTTPError as error:
            raise TransientError(f"{action}: {error.__class__.__name__}: {error}", code="network") from error
        try:
            payload = json.loads(response.data or b"{}")
        except ValueError:
            payload = {}
        code = payload.get("Code", "")
        if response.status >= 500 or response.status == 429:
            raise TransientError(f"{action}: HTTP {response.status} {code}".strip(), code=code or str(response.status))
        if code == "OK":
            return payload
        reason = f"{action}: {code or response.status} {payload.get('Message', '')}".strip()
        if code in TRANSIENT_CODES:
            raise TransientError(reason, code=code)
        raise PermanentError(reason, code=code, per_number=code in PER_NUMBER_CODES)


GATEWAYS = {gateway.name: gateway for gateway in (ConsoleGateway, AliyunGateway)}
_instances = {}


def sms_gateway():
    """The configured gateway, one per process so that its connection pool is reused."""
    name = settings.NOTIFICATIONS_SMS_GATEWAY
    key = (name, getattr(settings, "ALIYUN_SMS_ENDPOINT", ""))
    if key not in _instances:
        _instances[key] = GATEWAYS[name]()
    return _instances[key]
