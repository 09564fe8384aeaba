import pytest
from django.urls import reverse

from placement.applications.models import Application
from placement.applications.services import application_apply
from workers.models import ServiceRecord


@pytest.mark.django_db
def test_a_visitor_is_sent_to_sign_in_and_then_back_to_the_posting(posting, client):
    page = client.get(reverse("jobs:posting-detail", args=[posting.id])).content.decode()
    apply_url = reverse("me_applications:apply", args=[posting.id])
    assert f'action="{apply_url}"' in page
    assert "登录后在线报名" in page

    response = client.post(apply_url)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:phone')}?next={apply_url}"


@pytest.mark.django_db
def test_a_signed_in_worker_applies_in_one_tap_and_sees_it_in_my_applications(worker, posting, client):
    """The tap lands back on the posting (报名成功 there), and the application is listed under 我的报名."""
    client.force_login(worker.user)
    assert (
        reverse("me_applications:apply", args=[posting.id])
        in client.get(reverse("jobs:posting-detail", args=[posting.id])).content.decode()
    )

    response = client.post(reverse("me_applications:apply", args=[posting.id]))

    assert response.url == reverse("jobs:posting-detail", args=[posting.id])
    assert Application.objects.get(worker=worker).state == "applied"
    page = client.get(reverse("me_applications:list")).content.decode()
    assert posting.title in page
    assert "已报名" in page
    assert "已报名" in client.get(reverse("jobs:posting-detail", args=[posting.id])).content.decode()


@pytest.mark.django_db
def test_coming_back_after_sign_in_shows_the_posting_with_its_button(worker, posting, client):
    client.force_login(worker.user)

    response = client.get(reverse("me_applications:apply", args=[posting.id]))

    assert response.url == reverse("jobs:posting-detail", args=[posting.id]) + "#apply"
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_applying_to_a_closed_posting_shows_why(worker, posting, client):
    posting.status = "closed"
    posting.save()
    client.force_login(worker.user)

    response = client.post(reverse("me_applications:apply", args=[posting.id]), follow=True)

    assert "不接受报名" in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_the_worker_withdraws_from_my_applications(worker, posting, client):
    application, _ = application_apply(worker=worker, posting_id=posting.id)
    client.force_login(worker.user)

    client.post(reverse("me_applications:withdraw", args=[application.id]))

    application.refresh_from_db()
    assert application.state == "withdrawn"


@pytest.mark.django_db
def test_my_applications_shows_only_my_own(worker, make_worker, posting, client):
    application_apply(worker=make_worker(full_name="李秋菊"), posting_id=posting.id)
    client.force_login(worker.user)

    assert "您还没有报名任何岗位" in client.get(reverse("me_applications:list")).content.decode()


@pytest.mark.django_db
def test_staff_move_an_application_with_one_click_on_the_posting_pipeline(worker, posting, liuyang_staff, client):
    application, _ = application_apply(worker=worker, posting_id=posting.id)
    client.force_login(liuyang_staff)
    page_url = reverse("applications_console:posting", args=[posting.id])
    assert worker.full_name in client.get(page_url).content.decode()

    response = client.post(
        reverse("applications_console:move", args=[application.id]), {"state": "signed", "next": page_url}
    )

    assert response.url == page_url
    application.refresh_from_db()
    assert application.state == "signed"


@pytest.mark.django_db
def test_the_pipeline_pages_run_a_constant_number_of_queries(make_worker, posting, liuyang_staff, client):
    client.force_login(liuyang_staff)
    application_apply(worker=make_worker(), posting_id=posting.id)
    urls = [
        reverse("applications_console:pipeline"),
        reverse("applications_console:posting", args=[posting.id]),
        reverse("applications_console:employer", args=[posting.employer_id]),
    ]
    few = [_queries(client, url) for url in urls]
    for _ in range(5):
        application_apply(worker=make_worker(), posting_id=posting.id)

    assert [_queries(client, url) for url in urls] == few


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_staff_of_another_county_see_neither_the_posting_pipeline_nor_its_applications(
    worker, posting, other_county_staff, client
):
    application_apply(worker=worker, posting_id=posting.id)
    client.force_login(other_county_staff)

    assert client.get(reverse("applications_console:posting", args=[posting.id])).status_code == 404
    assert client.get(reverse("applications_console:employer", args=[posting.employer_id])).status_code == 404
    assert worker.full_name not in client.get(reverse("applications_console:pipeline")).content.decode()


@pytest.mark.django_db
def test_staff_find_a_worker_by_phone_and_recommend_them(worker, posting, liuyang_staff, client):
    client.force_login(liuyang_staff)
    page_url = reverse("applications_console:posting", args=[posting.id])
    assert worker.full_name in client.get(page_url, {"q": worker.user.phone}).content.decode()

    response = client.post(
        reverse("applications_console:recommend"), {"posting": posting.id, "worker": worker.id, "next": page_url}
    )

    assert response.url == page_url
    assert Application.objects.get(worker=worker).state == "recommended"
    assert ServiceRecord.objects.filter(worker=worker, kind="recommendation").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["+86 {a} {b} {c}", "{a}-{b}-{c}", "{full}"])
def test_staff_find_a_worker_by_a_phone_typed_as_any_phone_field_takes_it(
    worker, posting, liuyang_staff, client, typed
):
    phone = worker.user.phone
    full_width = "".join(chr(ord(digit) + 0xFEE0) for digit in phone)
    client.force_login(liuyang_staff)

    query = typed.format(a=phone[:3], b=phone[3:7], c=phone[7:], full=full_width)
    page = client.get(reverse("applications_console:posting", args=[posting.id]), {"q": query}).content.decode()

    assert worker.full_name in page


@pytest.mark.django_db
def test_recommending_another_countys_worker_by_id_changes_nothing_and_names_no_one(
    make_worker, posting, regions, liuyang_staff, client
):
    stranger = make_worker(full_name="欧阳远山", home_region=regions.get(code="431322"))
    client.force_login(liuyang_staff)

    response = client.post(
        reverse("applications_console:recommend"), {"posting": posting.id, "worker": stranger.id}, follow=True
    )

    page = response.content.decode()
    assert "找不到这位务工人员" in page
    assert "欧阳远山" not in page
    assert not Application.objects.filter(worker=stranger).exists()
    assert not ServiceRecord.objects.filter(worker=stranger).exists()


@pytest.mark.django_db
def test_recommending_to_another_countys_draft_posting_answers_as_for_a_missing_one(worker, regions, client):
    from core.accounts.models import Role
    from tests.factories import JobPostingFactory, UserFactory

    draft = JobPostingFactory(status="draft", published_at=None, county_id="431322", work_region_id="431322")
    dayao_agent = UserFactory(role=Role.VILLAGE_AGENT, region=worker.home_region)
    client.force_login(dayao_agent)

    response = client.post(
        reverse("applications_console:recommend"), {"posting": draft.id, "worker": worker.id}, follow=True
    )

    page = response.content.decode()
    assert "找不到这个岗位" in page
    assert "草稿" not in page
    assert not Application.objects.filter(worker=worker).exists()


@pytest.mark.django_db
def test_a_village_agent_recommends_his_villager_to_another_countys_published_posting(worker, regions, client):
    from core.accounts.models import Role
    from tests.factories import JobPostingFactory, UserFactory

    elsewhere = JobPostingFactory(county_id="440306", work_region_id="440306")
    client.force_login(UserFactory(role=Role.VILLAGE_AGENT, region=worker.home_region))

    client.post(reverse("applications_console:recommend"), {"posting": elsewhere.id, "worker": worker.id})

    assert Application.objects.get(worker=worker, posting=elsewhere).state == "recommended"


@pytest.mark.django_db
def test_the_recommend_endpoint_does_not_redirect_off_site(worker, posting, liuyang_staff, client):
    client.force_login(liuyang_staff)

    response = client.post(
        reverse("applications_console:recommend"),
        {"posting": posting.id, "worker": worker.id, "next": "https://evil.example.com/"},
    )

    assert response.url == reverse("applications_console:pipeline")


@pytest.mark.django_db
def test_job_seekers_cannot_open_the_console_pipeline(worker, client):
    client.force_login(worker.user)

    assert client.get(reverse("applications_console:pipeline")).status_code == 403


@pytest.mark.django_db
def test_staff_see_no_apply_button_on_a_posting(posting, liuyang_staff, client):
    client.force_login(liuyang_staff)

    page = client.get(reverse("jobs:posting-detail", args=[posting.id])).content.decode()

    assert reverse("me_applications:apply", args=[posting.id]) not in page
