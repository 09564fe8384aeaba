"""The demand console's pages: who sees and changes what (the scoping matrix), and the forms' messages."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jobs.models import CooperationAgreement, Employer, JobPosting, PostingStatus
from tests.factories import EmployerFactory, JobPostingFactory, JobSeekerFactory, TripFactory, credit_code
from transport.models import Trip

LIUYANG, XINHUA = "430181", "431322"

pytest_plugins = ["tests.jobs.console_fixtures"]

pytestmark = pytest.mark.django_db

READERS = ["own_staff", "city_supervisor", "province_supervisor", "own_dispatcher", "admin"]
OUTSIDERS = ["other_county_staff", "other_county_dispatcher"]
EDITORS = ["own_staff", "admin"]


def _pages(employer, posting, agreement):
    """(url name, arguments, whether it changes data) for every page that shows one of 浏阳市's rows."""
    return [
        ("jobs_console:employer", [employer.pk], False),
        ("jobs_console:employer_edit", [employer.pk], True),
        ("jobs_console:posting", [posting.pk], False),
        ("jobs_console:posting_edit", [posting.pk], True),
        ("jobs_console:agreement", [agreement.pk], False),
        ("jobs_console:agreement_edit", [agreement.pk], True),
    ]


@pytest.mark.parametrize("who", READERS + OUTSIDERS)
def test_each_role_sees_the_record_pages_its_region_and_role_allow(client, users, who, employer, posting, agreement):
    user = users[who]
    client.force_login(user)
    for name, args, changes in _pages(employer, posting, agreement):
        status = client.get(reverse(name, args=args)).status_code
        # The agreement's sending county (新化县) follows it as well as 浏阳市.
        in_scope = who in READERS or (name.startswith("jobs_console:agreement") and who == "other_county_staff")
        may_edit = who in EDITORS or who == "other_county_staff"
        if changes and not may_edit:
            expected = 403
        elif not in_scope:
            expected = 404
        else:
            expected = 200
        assert status == expected, (who, name, status)


@pytest.mark.parametrize("who", READERS + OUTSIDERS)
def test_the_lists_show_only_rows_inside_the_users_region(client, users, who, employer, posting, agreement):
    client.force_login(users[who])
    sees_liuyang = who in READERS
    for name, text in [
        ("jobs_console:employers", employer.name),
        ("jobs_console:postings", posting.title),
        ("jobs_console:agreements", agreement.title),
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 200
        # The agreement's sending county (新化县) follows it too.
        expected = sees_liuyang or (name == "jobs_console:agreements" and who == "other_county_staff")
        assert (text in response.content.decode()) is expected, (who, name)


@pytest.mark.parametrize("who", ["city_supervisor", "province_supervisor", "own_dispatcher"])
def test_readers_are_refused_every_page_that_changes_data(client, users, who, posting):
    client.force_login(users[who])
    for name, args in [
        ("jobs_console:employer_new", []),
        ("jobs_console:posting_new", []),
        ("jobs_console:agreement_new", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403
    response = client.post(reverse("jobs_console:posting_action", args=[posting.pk, "close"]))
    posting.refresh_from_db()
    assert posting.status == PostingStatus.PUBLISHED
    assert response.status_code == 302


def test_a_visitor_is_sent_to_sign_in_and_a_job_seeker_is_refused(client, regions):
    url = reverse("jobs_console:postings")
    assert client.get(url)["Location"].startswith("/accounts/login/")
    client.force_login(JobSeekerFactory())
    assert client.get(url).status_code == 403


def test_staff_of_another_county_cannot_act_on_a_posting_they_cannot_see(client, other_staff, posting):
    client.force_login(other_staff)
    assert client.post(reverse("jobs_console:posting_action", args=[posting.pk, "close"])).status_code == 404
    posting.refresh_from_db()
    assert posting.status == PostingStatus.PUBLISHED


def employer_data(**overrides):
    data = {
        "name": "浏阳恒达烟花有限公司",
        "credit_code": credit_code(555),
        "industry": "烟花爆竹",
        "region__county": LIUYANG,
        "address": "浏阳市大瑶镇",
        "contact_name": "刘经理",
        "contact_phone": "13800001111",
        "description": "",
        "contact-TOTAL_FORMS": "2",
        "contact-INITIAL_FORMS": "0",
        "contact-0-name": "周主管",
        "contact-0-phone": "13800002222",
        "contact-0-role": "人事主管",
        "contact-1-name": "",
        "contact-1-phone": "",
        "contact-1-role": "",
        **overrides,
    }
    return data


def test_staff_add_an_employer_with_its_contacts_and_land_on_its_page(client, staff):
    client.force_login(staff)
    response = client.post(reverse("jobs_console:employer_new"), employer_data())
    employer = Employer.objects.get(name="浏阳恒达烟花有限公司")
    assert response["Location"] == reverse("jobs_console:employer", args=[employer.pk])
    assert employer.county_id == LIUYANG
    assert employer.created_by == staff
    assert [(c.name, c.role) for c in employer.contacts.all()] == [("周主管", "人事主管")]
    page = client.get(response["Location"]).content.decode()
    assert "周主管" in page
    assert "修改记录" in page


def test_a_second_employer_with_the_same_credit_code_is_refused_naming_who_entered_it(
    client,
    other_staff,
    employer,
):
    client.force_login(other_staff)
    response = client.post(
        reverse("jobs_console:employer_new"),
        employer_data(credit_code=employer.credit_code.lower(), **{"region__county": "431322"}),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["credit_code"]
    assert "浏阳市人社局 张三" in errors[0]
    assert Employer.objects.count() == 1


def test_a_key_enterprise_needs_a_liaison_from_its_own_county(client, staff, other_staff):
    client.force_login(staff)
    response = client.post(reverse("jobs_console:employer_new"), employer_data(is_key_enterprise="on"))
    assert response.status_code == 400
    assert response.context["form"].errors["liaison"]
    response = client.post(
        reverse("jobs_console:employer_new"), employer_data(is_key_enterprise="on", liaison=other_staff.pk)
    )
    assert response.status_code == 400
    assert "liaison" in response.context["form"].errors
    response = client.post(
        reverse("jobs_console:employer_new"), employer_data(is_key_enterprise="on", liaison=staff.pk)
    )
    assert response.status_code == 302
    assert Employer.objects.get().liaison == staff


def test_the_employer_list_finds_by_part_of_the_name_or_the_start_of_the_code(client, staff, employer):
    client.force_login(staff)
    assert employer.name in client.get(reverse("jobs_console:employers"), {"q": "蓝思"}).content.decode()
    code_start = employer.credit_code[:10].lower()
    assert employer.name in client.get(reverse("jobs_console:employers"), {"q": code_start}).content.decode()
    assert employer.name not in client.get(reverse("jobs_console:employers"), {"q": "烟花"}).content.decode()


def posting_data(employer, **overrides):
    return {
        "employer": employer.pk,
        "title": "包装工",
        "occupation": "general_worker",
        "kind": "regular",
        "headcount": "20",
        "wage_min": "4500",
        "wage_max": "6500",
        "benefits": ["provides_meals", "provides_housing"],
        "description": "烟花包装，计件。",
        "work_region__county": LIUYANG,
        "age_min": "18",
        "age_max": "50",
        "valid_until": (timezone.localdate() + timedelta(days=60)).isoformat(),
        **overrides,
    }


def test_the_new_posting_form_starts_with_sensible_defaults(client, staff, employer):
    client.force_login(staff)
    form = client.get(reverse("jobs_console:posting_new"), {"employer": employer.pk}).context["form"]
    assert form.initial["valid_until"] == timezone.localdate() + timedelta(days=60)
    assert form.initial["work_region"] == LIUYANG
    assert form.initial["employer"] == employer.pk
    assert form.fields["age_min"].initial == 16


def test_copying_a_posting_prefills_the_form_with_a_fresh_closing_date(client, staff, posting):
    posting.valid_until = timezone.localdate() + timedelta(days=3)
    posting.provides_meals = True
    posting.save()
    client.force_login(staff)
    form = client.get(reverse("jobs_console:posting_new"), {"copy": posting.pk}).context["form"]
    assert form.initial["title"] == posting.title
    assert form.initial["employer"] == posting.employer_id
    assert form.initial["benefits"] == ["provides_meals"]
    assert form.initial["valid_until"] == timezone.localdate() + timedelta(days=60)


def test_a_posting_is_saved_as_a_draft_with_its_benefits(client, staff, employer):
    client.force_login(staff)
    response = client.post(reverse("jobs_console:posting_new"), posting_data(employer))
    created = JobPosting.objects.get(title="包装工")
    assert response["Location"] == reverse("jobs_console:posting", args=[created.pk])
    assert created.status == PostingStatus.DRAFT
    assert (created.provides_meals, created.provides_housing, created.social_insurance) == (True, True, False)
    assert created.county_id == LIUYANG
    assert created.created_by == staff


def test_the_posting_form_reports_every_bad_number_next_to_its_field_in_chinese(client, staff, employer):
    client.force_login(staff)
    response = client.post(
        reverse("jobs_console:posting_new"),
        posting_data(
            employer,
            wage_min="8000",
            wage_max="5000",
            headcount="0",
            age_min="40",
            age_max="30",
            valid_until=(timezone.localdate() - timedelta(days=1)).isoformat(),
        ),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["wage_min"] == ["工资下限不能高于上限。"]
    assert errors["headcount"] == ["招聘人数至少为1人。"]
    assert errors["age_max"] == ["最高年龄不能小于最低年龄。"]
    assert errors["valid_until"] == ["有效期不能早于今天。"]
    assert not JobPosting.objects.filter(title="包装工").exists()
    assert "工资下限不能高于上限。" in response.content.decode()


def test_an_employer_of_another_county_cannot_be_chosen_for_a_posting(client, other_staff, employer):
    client.force_login(other_staff)
    response = client.post(reverse("jobs_console:posting_new"), posting_data(employer))
    assert response.status_code == 400
    assert "employer" in response.context["form"].errors


def test_staff_publish_a_draft_from_its_page_and_it_shows_on_the_job_supermarket(
    client, staff, draft, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    assert draft.title not in client.get(reverse("jobs:posting-list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("jobs_console:posting_action", args=[draft.pk, "publish"]))
    draft.refresh_from_db()
    assert draft.status == PostingStatus.PUBLISHED
    assert draft.title in client.get(reverse("jobs:posting-list")).content.decode()


def test_an_edit_changes_what_the_job_supermarket_finds_at_once(
    client, staff, posting, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    assert "门岗保安" not in client.get(reverse("jobs:posting-list"), {"q": "保安"}).content.decode()
    data = posting_data(posting.employer, title="门岗保安", occupation="security")
    del data["employer"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("jobs_console:posting_edit", args=[posting.pk]), data)
    assert response.status_code == 302
    assert "门岗保安" in client.get(reverse("jobs:posting-list"), {"q": "保安"}).content.decode()


def test_renaming_an_employer_refreshes_its_postings_in_the_search(
    client, staff, posting, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    assert posting.title not in client.get(reverse("jobs:posting-list"), {"q": "蓝天"}).content.decode()
    employer = posting.employer
    data = employer_data(name="浏阳蓝天电子有限公司", credit_code=employer.credit_code, **{"contact-TOTAL_FORMS": "0"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("jobs_console:employer_edit", args=[employer.pk]), data)
    assert response.status_code == 302
    assert posting.title in client.get(reverse("jobs:posting-list"), {"q": "蓝天"}).content.decode()


def test_a_bulk_action_reports_how_many_changed_and_which_could_not(client, staff, draft, employer):
    stale = JobPostingFactory(
        employer=employer,
        title="过期草稿",
        status="draft",
        published_at=None,
        valid_until=timezone.localdate() - timedelta(days=2),
    )
    client.force_login(staff)
    response = client.post(
        reverse("jobs_console:posting_bulk") + "?status=draft",
        {"action": "publish", "everything": "on", "days": "30"},
        follow=True,
    )
    texts = [str(message) for message in response.context["messages"]]
    assert "已处理 1 个岗位。" in texts
    assert any("过期草稿" in text and "有效期" in text for text in texts)
    draft.refresh_from_db()
    stale.refresh_from_db()
    assert (draft.status, stale.status) == ("published", "draft")


def test_a_bulk_action_never_touches_postings_outside_the_users_scope(client, other_staff, draft):
    client.force_login(other_staff)
    response = client.post(
        reverse("jobs_console:posting_bulk"),
        {"action": "close", "posting": [draft.pk], "days": "", "confirmed": "yes"},
        follow=True,
    )
    assert "已处理 0 个岗位。" in [str(message) for message in response.context["messages"]]
    draft.refresh_from_db()
    assert draft.status == PostingStatus.DRAFT


def test_an_agreement_is_recorded_and_its_page_shows_places_filled_against_the_target(
    client,
    staff,
    posting,
):
    client.force_login(staff)
    today = timezone.localdate()
    response = client.post(
        reverse("jobs_console:agreement_new"),
        {
            "title": "浏阳—新化劳务协作",
            "sending_region__county": "431322",
            "receiving_region__county": LIUYANG,
            "receiving_park": "浏阳经开区",
            "signed_on": today.isoformat(),
            "term_start": today.isoformat(),
            "term_end": (today + timedelta(days=365)).isoformat(),
            "target_people": "300",
            "contacts": "王科长 13800003333",
            "document_links": "https://example.org/xieyi.pdf",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    created = posting.agreement = CooperationAgreement.objects.get()
    posting.save()
    coach = TripFactory(origin_county_id="431322", agreement=created)
    Trip.objects.filter(pk=coach.pk).update(taken=12, seats_issued=12)
    TripFactory(origin_county_id="431322", agreement=created, status="cancelled")
    page = client.get(reverse("jobs_console:agreement", args=[created.pk]))
    assert page.context["progress"].target == 300
    assert page.context["progress"].posted == posting.headcount
    assert (page.context["progress"].trips, page.context["progress"].passengers) == (1, 12)
    assert posting.title in page.content.decode()


def test_an_agreement_with_its_term_upside_down_is_refused_next_to_the_field(client, staff):
    client.force_login(staff)
    today = timezone.localdate()
    response = client.post(
        reverse("jobs_console:agreement_new"),
        {
            "title": "协议",
            "sending_region__county": "431322",
            "receiving_region__county": LIUYANG,
            "signed_on": today.isoformat(),
            "term_start": today.isoformat(),
            "term_end": (today - timedelta(days=1)).isoformat(),
            "target_people": "0",
            "document_links": "not a link",
        },
    )
    errors = response.context["form"].errors
    assert errors["term_end"] == ["协议结束日期不能早于开始日期。"]
    assert errors["target_people"] == ["目标人数至少为1人。"]
    assert "第1行" in errors["document_links"][0]


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_lists_run_as_many_queries_for_many_rows_as_for_one(client, staff, posting, agreement):
    client.force_login(staff)
    urls = [reverse(name) for name in ("jobs_console:postings", "jobs_console:employers", "jobs_console:agreements")]
    before = [_queries(client, url) for url in urls]
    for n in range(5):
        JobPostingFactory(employer=EmployerFactory(is_key_enterprise=True, liaison=staff), agreement=agreement)
        CooperationAgreement.objects.create(
            **{field: getattr(agreement, field) for field in ("sending_region", "receiving_region", "signed_on")},
            title=f"协议{n}",
            term_start=agreement.term_start,
            term_end=agreement.term_end,
            target_people=10,
        )
    assert [_queries(client, url) for url in urls] == before


def test_rows_entered_by_the_system_show_without_a_staff_member_or_liaison(client, staff, employer, posting):
    """Imported and demo rows have no `created_by`, and a key enterprise may still await its liaison."""
    Employer.objects.filter(pk=employer.pk).update(created_by=None, is_key_enterprise=True, liaison=None)
    JobPosting.objects.filter(pk=posting.pk).update(created_by=None)
    client.force_login(staff)
    for url in (
        reverse("jobs_console:employer", args=[employer.pk]),
        reverse("jobs_console:employers"),
        reverse("jobs_console:posting", args=[posting.pk]),
        reverse("jobs_console:postings"),
    ):
        assert client.get(url).status_code == 200
