"""A newcomer's first application: 登录后在线报名 -> phone -> code -> registration -> back on the posting, applied."""

import datetime

import pytest
from django.urls import reverse

from core.identity import make_id_number
from placement.applications.models import Application
from tests.e2e.steps import code_sent_to
from workers.models import Worker, WorkerStatus

pytestmark = pytest.mark.django_db


def _registration(village):
    return {
        "full_name": "刘春梅",
        "id_number": make_id_number(county_code="430181", birth_date=datetime.date(1990, 3, 8), sequence=512),
        "home_region__village": village.code,
        "status": WorkerStatus.SEEKING,
        "wanted_area": "anywhere",
        "consent": "on",
    }


def _signs_in(client, sign_in_url, phone):
    """On the sign-in page at `sign_in_url`: the phone, then the code; returns the code page's answer."""
    client.post(sign_in_url, {"phone": phone})
    return client.post(reverse("accounts:phone_code"), {"code": code_sent_to(phone)})


def test_a_newcomer_signs_in_registers_and_lands_on_the_posting_applied(client, posting, village):
    apply_url = reverse("me_applications:apply", args=[posting.id])
    posting_url = reverse("jobs:posting-detail", args=[posting.id])

    to_sign_in = client.post(apply_url)
    assert to_sign_in.url == f"{reverse('accounts:phone')}?next={apply_url}"
    after_code = _signs_in(client, to_sign_in.url, "13722220001")
    assert after_code.url == apply_url
    to_register = client.get(apply_url)
    assert to_register.url == f"{reverse('me:register')}?next={apply_url}"
    registered = client.post(to_register.url, _registration(village))
    assert registered.url == apply_url
    applied = client.get(apply_url)

    assert applied.url == posting_url
    worker = Worker.objects.get(user__phone="13722220001")
    assert Application.objects.get(worker=worker, posting=posting).state == "applied"
    page = client.get(posting_url).content.decode()
    assert "报名成功" in page
    assert "您已报名：已报名" in page


def test_the_way_back_after_registering_never_leaves_the_site(client, village):
    _signs_in(client, reverse("accounts:phone"), "13722220002")

    response = client.post(reverse("me:register") + "?next=https://evil.example.com/", _registration(village))

    assert response.url == reverse("me:home")


def test_opening_the_apply_address_alone_does_not_apply(client, worker, posting):
    """Only the tap on 在线报名 (a POST) says the person wants the job; a link someone sends them does not."""
    client.force_login(worker.user)

    response = client.get(reverse("me_applications:apply", args=[posting.id]))

    assert response.url == reverse("jobs:posting-detail", args=[posting.id]) + "#apply"
    assert not Application.objects.exists()


def test_a_signed_in_worker_applies_in_one_tap_and_stays_on_the_posting(client, worker, posting):
    client.force_login(worker.user)

    response = client.post(reverse("me_applications:apply", args=[posting.id]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("jobs:posting-detail", args=[posting.id])
    page = response.content.decode()
    assert "报名成功" in page
    assert posting.title in page
    assert Application.objects.get(worker=worker).state == "applied"


def test_asking_for_a_new_code_keeps_the_way_back_to_the_posting(client, posting):
    apply_url = reverse("me_applications:apply", args=[posting.id])
    client.post(f"{reverse('accounts:phone')}?next={apply_url}", {"phone": "13722220003"})

    page = client.get(reverse("accounts:phone_code")).content.decode()

    assert f'href="/accounts/phone/?next={apply_url.replace("/", "%2F")}">没收到？重新获取验证码</a>' in page
