"""举报: three different people's reports hold a posting from the list until the owning county's staff have looked;
the clerk keeps it (back on the list) or takes it down (issue 16, point 4)."""

import pytest
from django.test import TestCase

from core.accounts.models import Role
from jobs.models import JobPosting, PostingReport
from tests.factories import JobPostingFactory, JobSeekerFactory, UserFactory

pytestmark = pytest.mark.django_db


def _report(client, posting, user, reason="fake", details=""):
    client.force_login(user)
    # The list's cache is dropped on commit, as in production; these tests run inside one transaction.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(f"/jobs/{posting.pk}/report/", {"reason": reason, "details": details}, follow=True)


def _listed_titles(client):
    client.logout()
    return [line for line in client.get("/jobs/").content.decode().split('class="job-card__title">')[1:]]


def test_three_different_people_reporting_a_posting_take_it_off_the_list_but_not_off_its_own_page(client, regions):
    posting = JobPostingFactory(title="高薪日结包吃住")
    for reason in ("fake", "fee"):
        page = _report(client, posting, JobSeekerFactory(), reason).content.decode()
        assert "已收到您的举报，县人社局工作人员会尽快核实。" in page
    assert len(_listed_titles(client)) == 1

    _report(client, posting, JobSeekerFactory(), "wage")

    assert _listed_titles(client) == []
    posting.refresh_from_db()
    assert posting.held_at is not None
    assert client.get(f"/jobs/{posting.pk}/").status_code == 200


def test_one_person_reporting_three_times_counts_once(client, regions):
    posting = JobPostingFactory()
    reporter = JobSeekerFactory()
    _report(client, posting, reporter)
    _report(client, posting, reporter)
    page = _report(client, posting, reporter).content.decode()

    assert "您已经举报过这个岗位，工作人员核实后会处理。" in page
    assert PostingReport.objects.filter(posting=posting).count() == 1
    assert JobPosting.objects.get(pk=posting.pk).held_at is None


def test_a_report_without_a_reason_is_refused_and_records_nothing(client, regions):
    posting = JobPostingFactory()
    page = _report(client, posting, JobSeekerFactory(), reason="").content.decode()

    assert "请选择举报原因。" in page
    assert not PostingReport.objects.exists()


def test_a_visitor_who_reports_is_asked_to_sign_in_first(client, regions):
    posting = JobPostingFactory()
    response = client.post(f"/jobs/{posting.pk}/report/", {"reason": "fee"})

    assert response.status_code == 302
    assert response.url.startswith("/accounts/phone/")
    assert not PostingReport.objects.exists()


def _held_posting(client, **kwargs):
    posting = JobPostingFactory(title="高薪日结包吃住", **kwargs)
    for reason, details in (("fake", "电话打不通"), ("fee", "要交500元体检费"), ("other", "")):
        _report(client, posting, JobSeekerFactory(), reason, details)
    return posting


def test_county_staff_see_the_held_posting_first_in_their_queue_with_each_reason(client, regions):
    held = _held_posting(client)
    once = JobPostingFactory(title="普通岗位")
    _report(client, once, JobSeekerFactory(), "wage")
    client.force_login(UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181")))

    queue = client.get("/console/jobs/reports/").content.decode()
    assert queue.index("高薪日结包吃住") < queue.index("普通岗位")
    assert "已暂停展示" in queue
    review = client.get(f"/console/jobs/reports/{held.pk}/").content.decode()
    for words in ("3 条未处理的举报", "虚假招聘", "电话打不通", "收费", "要交500元体检费", "其他"):
        assert words in review


def test_staff_of_another_county_do_not_see_the_report_in_their_queue(client, regions):
    _held_posting(client)
    client.force_login(UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="431322")))

    queue = client.get("/console/jobs/reports/").content.decode()
    assert "高薪日结包吃住" not in queue
    assert "没有待处理的举报。" in queue


def test_a_clerk_who_keeps_the_posting_puts_it_back_on_the_list_and_empties_the_queue(client, regions):
    posting = _held_posting(client)
    client.force_login(UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181")))

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/console/jobs/reports/{posting.pk}/", {"decision": "keep"}, follow=True)
    page = response.content.decode()

    assert "举报已处理，岗位继续展示。" in page
    assert "没有待处理的举报。" in page
    assert len(_listed_titles(client)) == 1


def test_a_clerk_who_upholds_the_reports_closes_the_posting(client, regions):
    posting = _held_posting(client)
    client.force_login(UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181")))

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(f"/console/jobs/reports/{posting.pk}/", {"decision": "close"})

    posting.refresh_from_db()
    assert posting.status == "closed"
    assert posting.held_at is None
    assert _listed_titles(client) == []
