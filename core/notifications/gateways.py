"""SMS gateways: the console (log) gateway and Alibaba Cloud SMS (dysmsapi, RPC style, signature version 1.0).

A gateway sends one text to many numbers in one call and says what happened; it raises `TransientError` for what
is worth retrying (no connection, 5xx, throttling), `OutcomeUnknownError` when the request went out but no answer
came back (the provider may have sent the SMS: only asking it can tell), and `PermanentError` for what never will
succeed (a bad number, a rejected template). Protocol: https://help.aliyun.com/document_detail/101414.html (SendSms),
https://help.aliyun.com/document_detail/102352.html (QuerySendDetails),
https://help.aliyun.com/document_detail/101343.html (signature).
"""

import base64
import hashlib
import hmac
import json
import logging
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol
from urllib.parse import quote, urlsplit

import urllib3
from django.conf import settings

from core.notifications.rules import CHINA

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


class ConnectError(TransientError):
    """No connection was made, so the request never left: sending again at once cannot double anything."""


class OutcomeUnknownError(GatewayError):
    """The request was written but its answer was lost (a read timeout, a dropped connection). The provider has no
    idempotency, so the call must be settled by asking it (QuerySendDetails), never by sending again blind."""


class PermanentError(GatewayError):
    """Retrying cannot help: the number, the signature or the template is refused."""

    def __init__(self, reason, *, code="", per_number=False):
        super().__init__(reason, code=code)
        # A refusal about one number: when it came from a batch, the other numbers deserve their own try.
        self.per_number = per_number


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str
    # Numbers of the call the provider refused one by one ({phone: code}); the others were taken.
    refused: dict = field(default_factory=dict)
    # The provider's own id of each number's message ({phone: id}; Tencent's SerialNo), which its receipt push
    # names; without it the call's id stands for every number.
    message_ids: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Delivery:
    """What the provider knows about one earlier send (QuerySendDetails)."""

    out_id: str
    failed: bool
    error_code: str
    # The carrier's final word: True delivered, False refused, None not reported yet.
    delivered: bool | None = None
    reported_at: datetime | None = None


class SmsGateway(Protocol):
    """What the sender asks of a gateway (the console, Alibaba Cloud, Tencent Cloud)."""

    name: str
    # Whether deliveries() can tell what became of a message (the carrier's receipt).
    reports_delivery: bool
    # The most numbers one send() takes.
    max_numbers: int

    def send(self, *, phones: list[str], template: str, params: dict, text: str, out_id: str) -> SendResult: ...

    def deliveries(self, *, phone: str, sent_on: date) -> list[Delivery]: ...


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


def _http_pool(timeout_seconds):
    return urllib3.PoolManager(
        maxsize=8,
        timeout=urllib3.Timeout(connect=settings.NOTIFICATIONS_SMS_CONNECT_TIMEOUT_SECONDS, read=timeout_seconds),
        retries=False,
    )


def _post(http, url, *, action, body, headers):
    """POST to a provider, telling apart what never left (ConnectError) from what left without an answer."""
    try:
        return http.request("POST", url, body=body, headers=headers)
    except urllib3.exceptions.ConnectTimeoutError as error:  # refused, unreachable, DNS: nothing was written
        raise ConnectError(f"{action}: {error.__class__.__name__}: {error}", code="connect") from error
    except urllib3.exceptions.HTTPError as error:  # a read timeout, a dropped connection: written, answer lost
        raise OutcomeUnknownError(f"{action}: {error.__class__.__name__}: {error}", code="no-answer") from error


def china_time(text):
    """The provider's "2026-02-10 07:30:12" (Beijing time) as an aware datetime, or None."""
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA)
    except ValueError:
        return None


class ConsoleGateway:
    """Writes each message to the log: the embedded default and for development.

    It also keeps the last few hundred messages in memory, as a phone would, so that a developer (or a browser
    test) can read a sign-in code after the outbox has blanked it. It is never the production gateway, whose
    provider is the only place a code goes.
    """

    name = "console"
    # Whether deliveries() can tell what became of a message: the log cannot.
    reports_delivery = False
    max_numbers = PROVIDER_MAX_NUMBERS
    KEPT = 500

    def __init__(self):
        self.sent = deque(maxlen=self.KEPT)

    @staticmethod
    def configuration():
        return ()

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
    reports_delivery = True
    max_numbers = PROVIDER_MAX_NUMBERS
    api_version = "2017-05-25"

    def __init__(self):
        self.endpoint = settings.ALIYUN_SMS_ENDPOINT
        self.http = _http_pool(settings.ALIYUN_SMS_TIMEOUT_SECONDS)

    @staticmethod
    def configuration():
        return (settings.ALIYUN_SMS_ENDPOINT, settings.ALIYUN_SMS_TIMEOUT_SECONDS)

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
        try:
            response = self._call(
                "QuerySendDetails", PhoneNumber=phone, SendDate=sent_on.strftime("%Y%m%d"), PageSize=50, CurrentPage=1
            )
        except OutcomeUnknownError as error:
            # A question asked twice costs nothing: a lost answer is only worth asking again.
            raise TransientError(error.reason, code=error.code) from error
        details = response.get("SmsSendDetailDTOs", {}).get("SmsSendDetailDTO", [])
        # SendStatus: 1 waiting for the carrier's receipt, 2 failed, 3 delivered.
        return [
            Delivery(
                out_id=detail.get("OutId", ""),
                failed=detail.get("SendStatus") == 2,
                error_code=detail.get("ErrCode", ""),
                delivered={3: True, 2: False}.get(detail.get("SendStatus")),
                reported_at=china_time(detail.get("ReceiveDate", "")),
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
        response = _post(
            self.http,
            self.endpoint,
            action=action,
            body=body.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
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


# --- Tencent Cloud SMS (API 3.0, TC3-HMAC-SHA256) ------------------------------------------------------------
# https://cloud.tencent.com/document/api/382/55981 (SendSms), /382/52077 (签名方法 v3),
# /382/59207 (PullSmsSendStatusByPhoneNumber), /382/52075 (错误码).

TENCENT_MAX_NUMBERS = 200  # PhoneNumberSet takes at most 200 numbers
TENCENT_TRANSIENT_PREFIXES = ("InternalError", "RequestLimitExceeded", "ResourceUnavailable", "LimitExceeded")


def tc3_signature(*, secret_key, service, timestamp, canonical_request):
    """TC3-HMAC-SHA256: the request's canonical form hashed into a string to sign, signed with a key derived from
    the secret, the UTC date and the service."""
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    scope = f"{date}/{service}/tc3_request"
    string_to_sign = "\n".join(
        ["TC3-HMAC-SHA256", str(timestamp), scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
    )

    def sign(key, message):
        return hmac.new(key, message.encode(), hashlib.sha256).digest()

    signing_key = sign(sign(sign(f"TC3{secret_key}".encode(), date), service), "tc3_request")
    return scope, hmac.new(signing_key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def tc3_canonical_request(*, host, content_type, payload):
    """A POST to / with the two signed headers, as the signature method v3 lays it out."""
    hashed_payload = hashlib.sha256(payload.encode()).hexdigest()
    return f"POST\n/\n\ncontent-type:{content_type}\nhost:{host}\n\ncontent-type;host\n{hashed_payload}"


def tc3_authorization(*, secret_id, secret_key, service, host, timestamp, payload, content_type):
    canonical_request = tc3_canonical_request(host=host, content_type=content_type, payload=payload)
    scope, signature = tc3_signature(
        secret_key=secret_key, service=service, timestamp=timestamp, canonical_request=canonical_request
    )
    return f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, SignedHeaders=content-type;host, Signature={signature}"


def _mainland(phone):
    return phone.removeprefix("+86")


class TencentGateway:
    """Tencent Cloud SMS, behind the same interface: the bureaus use either provider."""

    name = "tencent"
    service = "sms"
    api_version = "2021-01-11"
    content_type = "application/json; charset=utf-8"
    reports_delivery = True
    max_numbers = TENCENT_MAX_NUMBERS

    def __init__(self):
        self.endpoint = settings.TENCENT_SMS_ENDPOINT
        self.host = urlsplit(self.endpoint).netloc
        self.http = _http_pool(settings.TENCENT_SMS_TIMEOUT_SECONDS)

    @staticmethod
    def configuration():
        return (settings.TENCENT_SMS_ENDPOINT, settings.TENCENT_SMS_TIMEOUT_SECONDS)

    def send(self, *, phones, template, params, text, out_id):
        template_id = settings.TENCENT_SMS_TEMPLATE_IDS.get(template)
        if not template_id:
            raise PermanentError(f"no TemplateId configured for template {template}", code="config")
        response = self._call(
            "SendSms",
            {
                "PhoneNumberSet": [f"+86{phone}" for phone in phones],
                "SmsSdkAppId": settings.TENCENT_SMS_SDK_APP_ID,
                "SignName": settings.TENCENT_SMS_SIGN_NAME,
                "TemplateId": template_id,
                # Tencent's templates number their variables {1}, {2}, …: `params` come in the template's order.
                "TemplateParamSet": list(params.values()),
                "SessionContext": out_id,
            },
        )
        statuses = response.get("SendStatusSet", [])
        refused = {
            _mainland(status["PhoneNumber"]): status.get("Code", "")
            for status in statuses
            if status.get("Code") != "Ok"
        }
        if refused and len(refused) == len(phones):
            code = next(iter(refused.values()))
            if code.startswith(TENCENT_TRANSIENT_PREFIXES):
                raise TransientError(f"SendSms: {code}", code=code)
            raise PermanentError(f"SendSms: {code}", code=code)
        serials = {_mainland(status["PhoneNumber"]): status.get("SerialNo", "") for status in statuses}
        return SendResult(provider_message_id=response.get("RequestId", ""), refused=refused, message_ids=serials)

    def deliveries(self, *, phone, sent_on):
        begin = datetime.combine(sent_on, datetime.min.time(), tzinfo=CHINA)
        try:
            response = self._call(
                "PullSmsSendStatusByPhoneNumber",
                {
                    "BeginTime": int(begin.timestamp()),
                    "EndTime": int(begin.timestamp()) + 86400,
                    "Offset": 0,
                    "Limit": 100,
                    "PhoneNumber": f"+86{phone}",
                    "SmsSdkAppId": settings.TENCENT_SMS_SDK_APP_ID,
                },
            )
        except OutcomeUnknownError as error:
            raise TransientError(error.reason, code=error.code) from error
        # Tencent lists a message once its carrier receipt is in: SUCCESS delivered, FAIL not.
        return [
            Delivery(
                out_id=status.get("SessionContext", ""),
                failed=False,
                error_code=status.get("Description", "") if status.get("ReportStatus") != "SUCCESS" else "",
                delivered=status.get("ReportStatus") == "SUCCESS",
                reported_at=datetime.fromtimestamp(status["UserReceiveTime"], UTC)
                if status.get("UserReceiveTime")
                else None,
            )
            for status in response.get("PullSmsSendStatusSet", [])
        ]

    def _call(self, action, body):
        payload = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        timestamp = int(time.time())
        headers = {
            "Authorization": tc3_authorization(
                secret_id=settings.TENCENT_SMS_SECRET_ID,
                secret_key=settings.TENCENT_SMS_SECRET_KEY,
                service=self.service,
                host=self.host,
                timestamp=timestamp,
                payload=payload,
                content_type=self.content_type,
            ),
            "Content-Type": self.content_type,
            "Host": self.host,
            "X-TC-Action": action,
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Version": self.api_version,
            "X-TC-Region": settings.TENCENT_SMS_REGION,
        }
        response = _post(self.http, self.endpoint, action=action, body=payload.encode(), headers=headers)
        if response.status >= 500 or response.status == 429:
            raise TransientError(f"{action}: HTTP {response.status}", code=str(response.status))
        try:
            answer = json.loads(response.data or b"{}").get("Response", {})
        except ValueError:
            answer = {}
        error = answer.get("Error")
        if error is None and response.status == 200:
            return answer
        code = (error or {}).get("Code", str(response.status))
        reason = f"{action}: {code} {(error or {}).get('Message', '')}".strip()
        if code.startswith(TENCENT_TRANSIENT_PREFIXES):
            raise TransientError(reason, code=code)
        raise PermanentError(reason, code=code)


GATEWAYS = {gateway.name: gateway for gateway in (ConsoleGateway, AliyunGateway, TencentGateway)}
_instances = {}


def sms_gateway():
    """The configured gateway, one per process and configuration so that its connection pool is reused."""
    gateway_class = GATEWAYS[settings.NOTIFICATIONS_SMS_GATEWAY]
    key = (gateway_class.name, settings.NOTIFICATIONS_SMS_CONNECT_TIMEOUT_SECONDS, *gateway_class.configuration())
    if key not in _instances:
        _instances[key] = gateway_class()
    return _instances[key]
