from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import ApplicationError
from jobs import tasks
from jobs.models import Employer, JobPosting, PostingStatus
from jobs.search import TokenQuery
from jobs.services import employer_create, posting_close, posting_create, posting_publish, postings_expire_due
from tests.factories import EmployerFactory, JobPostingFactory, credit_code

pytestmark = [pytest.mark.django_db, pytest.mark.twins]

VALID_CODE = credit_code(123456789)


def create_employer(regions, code):
    liuyang = regions.get(code="430181")
    return employer_create(
        name="浏阳蓝思电子有限公司",
        credit_code=code,
        industry="电子制造",
        region=liuyang,
        county=liuyang,
        contact_name="王经理",
        contact_phone="0731-83612345",
    )


def test_an_employer_with_a_valid_credit_code_is_created(regions):
    employer = create_employer(regions, VALID_CODE.lower())
    assert employer.credit_code == VALID_CODE


def test_a_credit_code_with_a_wrong_check_character_is_refused(regions):
    wrong = VALID_CODE[:-1] + ("0" if VALID_CODE[-1] != "0" else "1")
    with pytest.raises(ApplicationError, match="校验位"):
        create_employer(regions, wrong)
    assert not Employer.objects.exists()


def test_a_credit_code_of_the_wrong_length_is_refused(regions):
    with pytest.raises(ApplicationError, match="18位"):
        create_employer(regions, VALID_CODE[:-1])
    assert not Employer.objects.exists()


def test_the_same_credit_code_cannot_be_entered_twice(regions):
    create_employer(regions, VALID_CODE)
    with pytest.raises(ApplicationError, match="已经录入"):
        create_employer(regions, VALID_CODE)


def test_the_database_refuses_a_malformed_credit_code(regions):
    with pytest.raises(IntegrityError):
        EmployerFactory(credit_code="not-a-credit-code!")


def new_posting(regions, **overrides):
    liuyang = regions.get(code="430181")
    arguments = {
        "employer": EmployerFactory(),
        "created_by": None,
        "title": "月嫂",
        "occupation": "domestic",
        "description": "照顾产妇和新生儿",
        "headcount": 3,
        "wage_min": 8000,
        "wage_max": 12000,
        "work_region": liuyang,
        "valid_until": timezone.localdate() + timedelta(days=30),
        "county": liuyang,
        "benefits": ["provides_meals", "provides_housing"],
        "pay_notes": "保底8000元",
        **overrides,
    }
    return posting_create(**arguments)


def test_a_new_posting_is_a_draft_indexed_for_search_by_its_words_and_place(regions):
    posting = new_posting(regions)
    assert posting.status == PostingStatus.DRAFT
    assert posting.provides_meals
    assert posting.provides_housing
    assert not posting.social_insurance
    indexed = TokenQuery(all_of=("月嫂", "浏阳", "包吃包住", "长沙"))
    assert JobPosting.objects.filter(search_tokens__matches=indexed).exists()


def test_a_posting_with_its_wage_range_upside_down_is_refused(regions):
    with pytest.raises(ApplicationError, match="下限"):
        new_posting(regions, wage_min=9000, wage_max=8000)
    assert not JobPosting.objects.exists()


def test_the_database_refuses_a_wage_range_upside_down_and_a_zero_wage(regions):
    with pytest.raises(IntegrityError), transaction.atomic():
        JobPostingFactory(wage_min=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        JobPostingFactory(wage_min=9000, wage_max=8000)


def test_the_database_refuses_a_published_posting_without_a_publication_time(regions):
    with pytest.raises(IntegrityError):
        JobPostingFactory(status="published", published_at=None)


def test_publishing_a_draft_stamps_the_time_and_a_second_publish_is_refused(regions):
    posting = posting_publish(posting=new_posting(regions))
    assert posting.status == PostingStatus.PUBLISHED
    assert posting.published_at is not None
    with pytest.raises(ApplicationError):
        posting_publish(posting=posting)


def test_a_published_posting_can_be_marked_filled(regions):
    posting = posting_close(posting=JobPostingFactory(), status=PostingStatus.FILLED)
    assert posting.status == PostingStatus.FILLED


def test_the_hourly_task_expires_postings_past_their_date_and_nothing_else(regions):
    yesterday = timezone.localdate() - timedelta(days=1)
    lapsed = JobPostingFactory(valid_until=yesterday)
    current = JobPostingFactory()
    draft = JobPostingFactory(status="draft", published_at=None, valid_until=yesterday)
    assert tasks.postings_expire_due.apply().get() == 1
    assert postings_expire_due() == 0
    statuses = dict(JobPosting.objects.values_list("pk", "status"))
    assert statuses == {lapsed.pk: "expired", current.pk: "published", draft.pk: "draft"}


def test_celery_beat_runs_the_expiry_task_every_hour(settings):
    from portal.celery import app

    task = "jobs.tasks.postings_expire_due"
    entries = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == task]
    assert [entry["schedule"] for entry in entries] == [3600.0]
    app.loader.import_default_modules()
    assert task in app.tasks
