"""The client's address behind a reverse proxy: the right-most X-Forwarded-For entry that is not one of
TRUSTED_PROXIES when the peer is one of them, the peer itself otherwise (docs/operations.md, "Reverse proxy")."""

import pytest
from django.test import RequestFactory

from core.client_address import client_address
from core.notifications.models import OutboxMessage
from tests.factories import DEMO_PASSWORD, UserFactory

PROXY = "172.18.0.5"


def address_of(peer, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=peer, **headers))


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["172.18.0.0/16", "10.10.0.1"]


def test_the_peer_is_the_client_when_no_proxy_is_trusted(settings):
    settings.TRUSTED_PROXIES = []
    assert address_of(PROXY, "203.0.113.7") == PROXY


def test_a_header_sent_by_an_untrusted_peer_is_ignored(behind_proxy):
    assert address_of("198.51.100.9", "203.0.113.7") == "198.51.100.9"


def test_behind_a_trusted_proxy_the_client_is_the_address_the_proxy_added(behind_proxy):
    assert address_of(PROXY, "203.0.113.7") == "203.0.113.7"


def test_entries_a_client_wrote_itself_left_of_the_proxys_are_not_believed(behind_proxy):
    assert address_of(PROXY, "1.2.3.4, 203.0.113.7") == "203.0.113.7"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(behind_proxy):
    assert address_of(PROXY, "1.2.3.4, 203.0.113.7, 10.10.0.1, 172.18.0.9") == "203.0.113.7"


def test_ipv6_addresses_are_read_and_written_in_their_short_form(behind_proxy):
    assert address_of(PROXY, "2001:DB8:0:0::1") == "2001:db8::1"


@pytest.mark.parametrize(
    "forwarded", ["", " , ", "not-an-address", "203.0.113.7:port", "203.0.113.7:８０", "[2001:db8::1", "1:2:3"]
)
def test_a_trusted_proxy_without_a_readable_client_address_is_itself_the_client(behind_proxy, forwarded):
    assert address_of(PROXY, forwarded) == PROXY


@pytest.mark.parametrize(
    ("forwarded", "client"),
    [
        ("203.0.113.7:5000", "203.0.113.7"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("1.2.3.4, 203.0.113.7:80", "203.0.113.7"),
    ],
)
def test_an_entry_with_the_client_s_port_names_the_client_without_it(behind_proxy, forwarded, client):
    # Some proxies (Azure Application Gateway, IIS ARR) append address:port; read as unreadable, every client behind
    # them would have been the proxy, sharing one allowance of sign-in codes and wrong passwords.
    assert address_of(PROXY, forwarded) == client


def test_a_request_from_a_trusted_proxy_itself_is_that_proxys(behind_proxy):
    assert address_of(PROXY) == PROXY
    assert address_of(PROXY, "10.10.0.1") == "10.10.0.1"


# --- the limits that count addresses ------------------------------------------------------------------------------


@pytest.fixture
def fresh_limits(redis_test_database):
    for key in redis_test_database.scan_iter("*rl:*"):
        redis_test_database.delete(key)


def request_code(client, phone, *, forwarded, peer=PROXY):
    return client.post("/accounts/phone/", {"phone": phone}, REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)


@pytest.mark.django_db
def test_sign_in_codes_are_limited_per_client_behind_the_proxy_not_per_proxy(
    client, behind_proxy, fresh_limits, settings
):
    settings.SIGN_IN_CODE_RATES_PER_IP = ["2/h"]
    for number in range(2):
        assert request_code(client, f"1390000300{number}", forwarded="203.0.113.7").status_code == 302
    assert "获取验证码太频繁" in request_code(client, "13900003009", forwarded="203.0.113.7").content.decode()
    # Another phone behind the same proxy still gets its code.
    assert request_code(client, "13900003009", forwarded="203.0.113.8").status_code == 302
    assert OutboxMessage.objects.filter(phone="13900003009").count() == 1


@pytest.mark.django_db
def test_a_client_cannot_escape_the_address_limit_by_inventing_forwarded_addresses(
    client, behind_proxy, fresh_limits, settings
):
    settings.SIGN_IN_CODE_RATES_PER_IP = ["2/h"]
    for number in range(3):
        request_code(client, f"1390000400{number}", peer="198.51.100.9", forwarded=f"203.0.113.{number}")
    assert not OutboxMessage.objects.filter(phone="13900004002").exists()


@pytest.mark.django_db
def test_wrong_passwords_lock_the_client_behind_the_proxy_and_not_its_neighbours(
    client, behind_proxy, fresh_limits, regions, settings
):
    UserFactory(username="liuyang", role="county_staff", region=regions.get(code="430181"))
    settings.STAFF_LOGIN_RATES_PER_USERNAME = ["100/m"]

    def sign_in(password, forwarded):
        return client.post(
            "/accounts/login/",
            {"username": "liuyang", "password": password},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in("guess", "203.0.113.66")
    assert sign_in(DEMO_PASSWORD, "203.0.113.66").status_code == 429
    assert sign_in(DEMO_PASSWORD, "203.0.113.7").status_code == 302
