"""A local stand-in for Alibaba Cloud SMS: a real threaded HTTP server that answers `SendSms` and
`QuerySendDetails` like the provider, checks each request's signature, and records every number it is asked to
message. The tests and benchmarks/fanout.py start one in their own process (`FakeSmsProvider(...).start()`, or
as a context manager) and point `ALIYUN_SMS_ENDPOINT` at its `url`; there is no command that serves it.

It can also misbehave the ways a real network does, for the next SendSms calls (`fail_next`):
`ACCEPT_THEN_STALL` takes the numbers and answers only after the client has given up, `DROP_AFTER_READ` takes
them and closes the connection without a word, `DROP_BEFORE_ACCEPTING` reads the request and closes the
connection without taking anything; and `query_delay_seconds` makes QuerySendDetails slow. The carrier's receipts:
`undelivered[phone] = "MK:0001"` makes a number's receipt say not delivered, `awaiting_receipt` holds numbers whose
receipt has not come yet.
"""

import json
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict, deque
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from core.notifications.gateways import rpc_signature, tc3_authorization
from core.notifications.rules import CHINA


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A client killed mid-connection (the benchmark's SIGKILLed worker) is expected here, not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


# Faults for `fail_next`: what a lost answer looks like from the client's side, with or without the SMS sent.
ACCEPT_THEN_STALL = "accept-then-stall"
DROP_AFTER_READ = "drop-after-read"
DROP_BEFORE_ACCEPTING = "drop-before-accepting"
_DROP = object()  # the handler's signal to close the connection without answering


def _china(timestamp):
    return datetime.fromtimestamp(timestamp, UTC).astimezone(CHINA)


class FakeSmsProvider:
    def __init__(self, *, access_key_secret, tencent_secret_key="", host="127.0.0.1", port=0):
        self.access_key_secret = access_key_secret
        # With a Tencent secret it also answers Tencent Cloud SMS (API 3.0, TC3-HMAC-SHA256) on the same address.
        self.tencent_secret_key = tencent_secret_key
        self.lock = threading.Lock()
        # One entry per number per SendSms call: (arrival time, phone, OutId, TemplateCode, TemplateParam).
        self.received = []
        self.by_phone = defaultdict(list)
        self.calls = []  # (arrival time, numbers in the call)
        self.scripted = deque()  # (HTTP status, Code) answers or faults for the next SendSms calls
        self.send_delay_seconds = 0  # how long SendSms takes to answer, like a slow provider
        self.query_delay_seconds = 0  # how long QuerySendDetails takes to answer
        self.stall_seconds = 5  # how long an ACCEPT_THEN_STALL answer is held back
        self.queries = 0  # QuerySendDetails calls answered
        self.undelivered = {}  # phone -> the carrier's refusal code its receipt reports (e.g. "MK:0001")
        # Phones whose carrier has not given its receipt yet: Alibaba lists them waiting (SendStatus 1), Tencent
        # not at all (it lists a message once the receipt is in).
        self.awaiting_receipt = set()
        self.server = _QuietServer((host, port), self._handler_class())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="fake-sms-provider", daemon=True)

    @property
    def url(self):
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def answer_next(self, *, count=1, status=200, code="OK"):
        """Make the next `count` SendSms calls answer this way instead of succeeding."""
        with self.lock:
            self.scripted.extend([(status, code)] * count)

    def fail_next(self, fault, *, count=1):
        """Make the next `count` SendSms calls end with `fault` (ACCEPT_THEN_STALL, DROP_AFTER_READ, …)."""
        with self.lock:
            self.scripted.extend([fault] * count)

    def record(self, *, phone, out_id, template_code="SMS_0", template_param="{}", arrived=None):
        """Note a number as received, as if an earlier SendSms had carried it (the benchmark's backlog)."""
        entry = (arrived or time.time(), phone, out_id, template_code, template_param)
        with self.lock:
            self.received.append(entry)
            self.by_phone[phone].append(entry)

    def phones(self):
        with self.lock:
            return [entry[1] for entry in self.received]

    def duplicates(self):
        return {phone: times for phone, times in Counter(self.phones()).items() if times > 1}

    def most_in_any_second(self):
        """The most numbers received in any sliding one-second window (for the rate limit)."""
        with self.lock:
            calls = sorted(self.calls)
        most, window, in_window = 0, deque(), 0
        for arrived, numbers in calls:
            window.append((arrived, numbers))
            in_window += numbers
            while window[0][0] <= arrived - 1.0:
                in_window -= window.popleft()[1]
            most = max(most, in_window)
        return most

    # --- the protocol -------------------------------------------------------------------------------------------

    def handle(self, params):
        if params.get("Signature") != rpc_signature(params, self.access_key_secret):
            return 400, {"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched."}
        action = params.get("Action")
        if action == "SendSms":
            return self._send_sms(params)
        if action == "QuerySendDetails":
            time.sleep(self.query_delay_seconds)
            return 200, self._query_send_details(params)
        return 400, {"Code": "InvalidAction.NotFound", "Message": action}

    def _send_sms(self, params):
        time.sleep(self.send_delay_seconds)
        with self.lock:
            scripted = self.scripted.popleft() if self.scripted else None
            if isinstance(scripted, tuple):
                status, code = scripted
                return status, {"Code": code, "Message": "scripted", "RequestId": uuid.uuid4().hex}
            if scripted == DROP_BEFORE_ACCEPTING:
                return _DROP
            phones = params["PhoneNumbers"].split(",")
            arrived = self._accept(phones, params.get("OutId", ""), params["TemplateCode"], params["TemplateParam"])
        if self._answer_lost(scripted):
            return _DROP
        return 200, {"Code": "OK", "Message": "OK", "BizId": f"{int(arrived)}^{uuid.uuid4().hex[:12]}"}

    def _accept(self, phones, out_id, template, param):
        """Records a send the provider took (the caller holds the lock); returns when it arrived."""
        arrived = time.time()
        self.calls.append((arrived, len(phones)))
        for phone in phones:
            entry = (arrived, phone, out_id, template, param)
            self.received.append(entry)
            self.by_phone[phone].append(entry)
        return arrived

    def _answer_lost(self, scripted):
        """After taking a send: whether the scripted fault drops the answer (a stall only delays it)."""
        if scripted == ACCEPT_THEN_STALL:
            time.sleep(self.stall_seconds)
        return scripted == DROP_AFTER_READ

    def _query_send_details(self, params):
        phone, day = params["PhoneNumber"], params["SendDate"]
        refusal = self.undelivered.get(phone)
        waiting = phone in self.awaiting_receipt
        with self.lock:
            self.queries += 1
            details = [
                {
                    "PhoneNum": entry[1],
                    "OutId": entry[2],
                    "TemplateCode": entry[3],
                    # 1 waiting for the carrier's receipt, 2 refused by the carrier, 3 delivered.
                    "SendStatus": 1 if waiting else 2 if refusal else 3,
                    "ErrCode": "" if waiting else refusal or "DELIVERED",
                    "SendDate": _china(entry[0]).strftime("%Y-%m-%d %H:%M:%S"),
                    "ReceiveDate": "" if waiting else _china(entry[0] + 1).strftime("%Y-%m-%d %H:%M:%S"),
                }
                for entry in self.by_phone.get(phone, [])
                if _china(entry[0]).strftime("%Y%m%d") == day
            ]
        return {
            "Code": "OK",
            "Message": "OK",
            "TotalCount": len(details),
            "SmsSendDetailDTOs": {"SmsSendDetailDTO": details[-50:]},
        }

    def handle_tencent(self, headers, payload):
        """Tencent Cloud SMS: checks the TC3 signature, then SendSms or PullSmsSendStatusByPhoneNumber."""
        credential = headers.get("Authorization", "").split("Credential=")[-1].split("/")[0]
        expected = tc3_authorization(
            secret_id=credential,
            secret_key=self.tencent_secret_key,
            service="sms",
            host=headers.get("Host", ""),
            timestamp=int(headers.get("X-TC-Timestamp", "0")),
            payload=payload,
            content_type=headers.get("Content-Type", ""),
        )
        if not self.tencent_secret_key or headers.get("Authorization") != expected:
            return 200, {"Response": {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "bad signature"}}}
        body = json.loads(payload)
        action = headers.get("X-TC-Action")
        if action == "SendSms":
            return self._tencent_send(body)
        if action == "PullSmsSendStatusByPhoneNumber":
            time.sleep(self.query_delay_seconds)
            return 200, {"Response": {"PullSmsSendStatusSet": self._tencent_statuses(body), "RequestId": "r"}}
        return 200, {"Response": {"Error": {"Code": "InvalidAction", "Message": action}}}

    def _tencent_send(self, body):
        time.sleep(self.send_delay_seconds)
        with self.lock:
            scripted = self.scripted.popleft() if self.scripted else None
            if scripted == DROP_BEFORE_ACCEPTING:
                return _DROP
            phones = [number.removeprefix("+86") for number in body["PhoneNumberSet"]]
            param = json.dumps(body["TemplateParamSet"], ensure_ascii=False, separators=(",", ":"))
            self._accept(phones, body.get("SessionContext", ""), body["TemplateId"], param)
        if self._answer_lost(scripted):
            return _DROP
        statuses = [
            {
                "SerialNo": uuid.uuid4().hex,
                "PhoneNumber": f"+86{phone}",
                "Fee": 1,
                "Code": "Ok",
                "Message": "send success",
            }
            for phone in phones
        ]
        return 200, {"Response": {"SendStatusSet": statuses, "RequestId": uuid.uuid4().hex}}

    def _tencent_statuses(self, body):
        phone = body["PhoneNumber"].removeprefix("+86")
        refusal = self.undelivered.get(phone)
        with self.lock:
            self.queries += 1
            if phone in self.awaiting_receipt:
                return []
            return [
                {
                    "PhoneNumber": f"+86{phone}",
                    "SessionContext": entry[2],
                    "ReportStatus": "FAIL" if refusal else "SUCCESS",
                    "Description": refusal or "用户接收成功",
                    "UserReceiveTime": int(entry[0]) + 1,
                }
                for entry in self.by_phone.get(phone, [])
                if body["BeginTime"] <= entry[0] < body["EndTime"]
            ]

    def _handler_class(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the real endpoint

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length).decode()
                if self.headers.get("Authorization", "").startswith("TC3-HMAC-SHA256"):
                    answer = provider.handle_tencent(self.headers, body)
                else:
                    answer = provider.handle(dict(parse_qsl(body, keep_blank_values=True)))
                if answer is _DROP:
                    self.close_connection = True
                    return
                status, payload = answer
                body = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler
