"""The rules under the demand console: lifecycle, expiry, bulk actions, de-duplication and the change history."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import ApplicationError
from jobs import selectors
from jobs.models import JobPosting, PostingStatus
from jobs.services import (
    employer_create,
    employer_update,
    posting_close,
    posting_extend,
    posting_mark_filled,
    posting_publish,
    posting_update,
    postings_bulk_close,
    postings_bulk_extend,
    postings_bulk_publish,
    postings_expire_due,
)
from tests.factories import JobPostingFactory, credit_code

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.jobs.console_fixtures"]


def test_a_draft_is_published_then_filled_and_nothing_moves_it_after(staff, draft):
    posting_publish(posting=draft, actor=staff)
    filled = posting_mark_filled(posting=draft, actor=staff)
    assert filled.status == PostingStatus.FILLED
    for step in (posting_publish, posting_close, posting_mark_filled):
        with pytest.raises(ApplicationError):
            step(posting=draft, actor=staff)
    with pytest.raises(ApplicationError, match="不能延期"):
        posting_extend(posting=draft, actor=staff, days=10)
    with pytest.raises(ApplicationError, match="不能再修改"):
        posting_update(posting=draft, actor=staff, title="新名称")


def test_a_draft_is_neither_closed_nor_marked_filled(staff, draft):
    for step in (posting_close, posting_mark_filled):
        with pytest.raises(ApplicationError, match="草稿还没有发布"):
            step(posting=draft, actor=staff)
    assert JobPosting.objects.get(pk=draft.pk).status == PostingStatus.DRAFT


def test_a_draft_past_its_date_cannot_be_published_until_its_date_moves(staff, draft):
    JobPosting.objects.filter(pk=draft.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ApplicationError, match="已过有效期"):
        posting_publish(posting=draft, actor=staff)
    posting_extend(posting=draft, actor=staff, days=30)
    assert posting_publish(posting=draft, actor=staff).status == PostingStatus.PUBLISHED


def test_expiry_marks_published_postings_past_their_date_and_records_it_in_their_history(posting, draft):
    yesterday = timezone.localdate() - timedelta(days=1)
    JobPosting.objects.filter(pk__in=[posting.pk, draft.pk]).update(valid_until=yesterday)
    assert postings_expire_due() == 1
    assert postings_expire_due() == 0
    posting.refresh_from_db()
    draft.refresh_from_db()
    assert (posting.status, draft.status) == (PostingStatus.EXPIRED, PostingStatus.DRAFT)
    latest = selectors.history_entries(posting)[0]
    assert latest.who == "系统"
    assert latest.reason == "有效期已过，自动过期"
    assert ("状态", "招聘中", "已过期") in latest.changes


def test_extending_an_expired_posting_publishes_it_again(staff, posting):
    JobPosting.objects.filter(pk=posting.pk).update(
        status=PostingStatus.EXPIRED, valid_until=timezone.localdate() - timedelta(days=3)
    )
    with pytest.raises(ApplicationError, match="仍早于今天"):
        posting_extend(posting=posting, actor=staff, days=2)
    extended = posting_extend(posting=posting, actor=staff, days=10)
    assert extended.status == PostingStatus.PUBLISHED
    assert extended.valid_until == timezone.localdate() + timedelta(days=7)


@pytest.mark.parametrize("days", [0, -5, 366])
def test_an_extension_outside_one_to_365_days_is_refused(staff, posting, days):
    with pytest.raises(ApplicationError, match="1到365"):
        posting_extend(posting=posting, actor=staff, days=days)


def test_an_update_is_checked_like_a_new_posting(staff, posting):
    with pytest.raises(ApplicationError, match="工资下限不能高于上限"):
        posting_update(posting=posting, actor=staff, wage_min=9000)
    with pytest.raises(ApplicationError, match="最高年龄"):
        posting_update(posting=posting, actor=staff, age_min=50, age_max=40)
    posting.refresh_from_db()
    assert posting.wage_min == 4000


@pytest.mark.parametrize("who", ["city_supervisor", "own_dispatcher", "other_county_staff"])
def test_only_county_staff_of_the_posting_county_or_an_admin_change_it(users, posting, who):
    with pytest.raises(ApplicationError):
        posting_close(posting=posting, actor=users[who])
    assert posting_close(posting=posting, actor=users["admin"]).status == PostingStatus.CLOSED


def test_bulk_publish_changes_what_it_can_and_names_what_it_cannot(staff, employer, draft, posting):
    stale = JobPostingFactory(
        employer=employer,
        title="过期草稿",
        status="draft",
        published_at=None,
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    outcome = postings_bulk_publish(actor=staff, postings=JobPosting.objects.all())
    assert outcome.changed == 1
    refused = {posting.title: message for posting, message in outcome.refused}
    assert set(refused) == {"过期草稿", posting.title}
    assert "有效期" in refused["过期草稿"]
    assert JobPosting.objects.get(pk=draft.pk).status == PostingStatus.PUBLISHED
    assert JobPosting.objects.get(pk=stale.pk).status == PostingStatus.DRAFT


def test_bulk_actions_leave_postings_outside_the_users_scope_alone(other_staff, posting, draft):
    assert postings_bulk_close(actor=other_staff, postings=JobPosting.objects.all()).changed == 0
    assert postings_bulk_extend(actor=other_staff, postings=JobPosting.objects.all(), days=10).changed == 0
    assert set(JobPosting.objects.values_list("status", flat=True)) == {"published", "draft"}


def test_bulk_extend_moves_every_date_and_refuses_a_reader(users, staff, posting, draft):
    before = {p.pk: p.valid_until for p in JobPosting.objects.all()}
    with pytest.raises(ApplicationError):
        postings_bulk_extend(actor=users["province_supervisor"], postings=JobPosting.objects.all(), days=10)
    assert postings_bulk_extend(actor=staff, postings=JobPosting.objects.all(), days=10).changed == 2
    for p in JobPosting.objects.all():
        assert p.valid_until == before[p.pk] + timedelta(days=10)


def employer_arguments(regions, **overrides):
    liuyang = regions.get(code="430181")
    return {
        "name": "浏阳花炮厂",
        "credit_code": credit_code(777),
        "industry": "烟花爆竹",
        "region": liuyang,
        "county": liuyang,
        "contact_name": "刘经理",
        "contact_phone": "13800001111",
        **overrides,
    }


def test_a_duplicate_credit_code_is_refused_naming_the_county_and_the_staff_member(regions, staff, other_staff):
    employer_create(actor=staff, **employer_arguments(regions))
    with pytest.raises(ApplicationError) as refused:
        employer_create(
            actor=other_staff,
            **employer_arguments(regions, name="别名", county=regions.get(code="431322")),
        )
    assert "该单位已经录入过了" in refused.value.message
    assert "浏阳市人社局 张三" in refused.value.message
    assert refused.value.field == "credit_code"


def test_changing_a_credit_code_to_one_already_taken_is_refused(regions, staff, employer):
    other = employer_create(actor=staff, **employer_arguments(regions))
    with pytest.raises(ApplicationError, match="已经录入"):
        employer_update(employer=other, actor=staff, credit_code=employer.credit_code)


def test_a_liaison_must_be_staff_of_the_employers_county_and_goes_with_the_key_flag(
    regions, staff, other_staff, employer
):
    with pytest.raises(ApplicationError, match="联络员"):
        employer_update(employer=employer, actor=staff, is_key_enterprise=True, liaison=other_staff)
    updated = employer_update(employer=employer, actor=staff, is_key_enterprise=True, liaison=staff)
    assert updated.liaison == staff
    assert employer_update(employer=employer, actor=staff, is_key_enterprise=False).liaison is None


def test_history_records_who_changed_which_field_in_chinese(staff, employer, posting):
    employer_update(employer=employer, actor=staff, name="浏阳蓝思科技有限公司", is_key_enterprise=True, liaison=staff)
    posting_update(posting=posting, actor=staff, wage_max=7000, benefits=["provides_meals"])
    employer_entry = selectors.history_entries(employer)[0]
    assert employer_entry.who == "张三"
    assert employer_entry.action == "修改"
    assert ("单位名称", "浏阳蓝思电子有限公司", "浏阳蓝思科技有限公司") in employer_entry.changes
    assert ("重点企业", "否", "是") in employer_entry.changes
    assert ("联络员", "—", "张三") in employer_entry.changes
    posting_entry = selectors.history_entries(posting)[0]
    assert ("月薪上限（元）", "6000", "7000") in posting_entry.changes
    assert ("包吃", "否", "是") in posting_entry.changes
    assert selectors.history_entries(posting)[-1].action == "新建"


def test_an_agreement_is_seen_by_both_parties_and_no_one_else(users, agreement):
    seen = {
        who: selectors.console_agreements(user=user).filter(pk=agreement.pk).exists() for who, user in users.items()
    }
    assert seen == {
        "own_staff": True,
        "other_county_staff": True,
        "city_supervisor": True,
        "province_supervisor": True,
        "own_dispatcher": True,
        "other_county_dispatcher": False,
        "admin": True,
    }
