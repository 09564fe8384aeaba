import pytest

from core.errors import ApplicationError
from core.notifications.catalog import message_template, sms_segments
from core.notifications.gateways import AliyunGateway, PermanentError, TransientError, rpc_signature


def test_the_signature_matches_the_providers_published_example():
    # The worked example of Alibaba Cloud SMS's signature document ("签名机制", help.aliyun.com/document_detail/56189):
    # AccessKeyId testId, AccessKeySecret testSecret, a GET of SendSms with exactly these parameters.
    params = {
        "AccessKeyId": "testId",
        "Action": "SendSms",
        "Format": "XML",
        "OutId": "123",
        "PhoneNumbers": "15300000001",
        "RegionId": "cn-hangzhou",
        "SignName": "阿里云短信测试专用",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
        "SignatureVersion": "1.0",
        "TemplateCode": "SMS_71390007",
        "TemplateParam": '{"customer":"test"}',
        "Timestamp": "2017-07-12T02:42:19Z",
        "Version": "2017-05-25",
    }
    assert rpc_signature(params, "testSecret", method="GET") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_the_signature_ignores_a_signature_already_among_the_parameters():
    params = {"Action": "SendSms", "PhoneNumbers": "13800000000"}
    assert rpc_signature({**params, "Signature": "old"}, "secret") == rpc_signature(params, "secret")


def test_the_provider_refuses_a_request_signed_with_the_wrong_secret(provider, settings):
    settings.ALIYUN_SMS_ACCESS_KEY_SECRET = "not-the-secret"
    with pytest.raises(PermanentError, match="SignatureDoesNotMatch"):
        AliyunGateway().send(phones=["13800000000"], template="sign_in_code", params={"code": "1"}, text="", out_id="x")
    assert provider.phones() == []


def test_the_gateway_sends_the_template_code_and_parameters_with_our_out_id(provider):
    result = AliyunGateway().send(
        phones=["13800000001", "13800000002"],
        template="sign_in_code",
        params={"code": "246810"},
        text="",
        out_id="our-key-1",
    )
    assert result.provider_message_id
    assert [entry[1:] for entry in provider.received] == [
        ("13800000001", "our-key-1", "SMS_100001", '{"code":"246810"}'),
        ("13800000002", "our-key-1", "SMS_100001", '{"code":"246810"}'),
    ]


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        (500, "isp.SYSTEM_ERROR", TransientError),
        (503, "", TransientError),
        (200, "isv.BUSINESS_LIMIT_CONTROL", TransientError),
        (200, "Throttling.User", TransientError),
        (200, "isv.MOBILE_NUMBER_ILLEGAL", PermanentError),
        (200, "isv.SMS_TEMPLATE_ILLEGAL", PermanentError),
        (400, "isv.SMS_SIGNATURE_ILLEGAL", PermanentError),
    ],
)
def test_provider_errors_are_classified_as_transient_or_permanent(provider, status, code, error):
    provider.answer_next(status=status, code=code)
    with pytest.raises(error):
        AliyunGateway().send(phones=["13800000000"], template="sign_in_code", params={"code": "1"}, text="", out_id="x")


def test_an_unreachable_provider_is_a_transient_error(settings):
    settings.ALIYUN_SMS_ENDPOINT = "http://127.0.0.1:9/"
    settings.ALIYUN_SMS_ACCESS_KEY_SECRET = "secret"
    settings.ALIYUN_SMS_TEMPLATE_CODES = {"sign_in_code": "SMS_100001"}
    with pytest.raises(TransientError):
        AliyunGateway().send(phones=["13800000000"], template="sign_in_code", params={"code": "1"}, text="", out_id="x")


def test_the_send_detail_query_finds_an_earlier_send_by_its_out_id(provider):
    from django.utils import timezone

    gateway = AliyunGateway()
    gateway.send(phones=["13800000003"], template="sign_in_code", params={"code": "1"}, text="", out_id="key-7")
    deliveries = gateway.deliveries(phone="13800000003", sent_on=timezone.localdate())
    assert [(delivery.out_id, delivery.failed) for delivery in deliveries] == [("key-7", False)]
    assert gateway.deliveries(phone="13800000004", sent_on=timezone.localdate()) == []


@pytest.mark.parametrize(("length", "segments"), [(64, 1), (65, 2), (128, 2), (129, 3)])
def test_sms_are_counted_in_70_character_segments_and_67_for_long_ones(length, segments):
    # The six characters of 【春风就业】 count too: 64 + 6 = 70 is one message, 65 + 6 = 71 is a long SMS of two.
    assert sms_segments("字" * length) == segments


def test_a_template_refuses_to_render_without_its_variables():
    with pytest.raises(ApplicationError, match="缺少变量: trip、departure、time、place"):
        message_template("trip_departure").render({})


def test_an_unknown_template_is_refused_in_chinese():
    with pytest.raises(ApplicationError, match="没有名为“nope”的消息模板"):
        message_template("nope")
