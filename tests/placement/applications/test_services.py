from datetime import timedelta

import pytest
from django.utils import timezone

from core.accounts.models import Role
from core.errors import ApplicationError
from placement.applications.models import Application, ApplicationSource, ApplicationState
from placement.applications.services import (
    application_apply,
    application_move,
    application_recommend,
    application_withdraw,
)
from tests.factories import JobPostingFactory, UserFactory
from workers.models import ServiceKind, ServiceRecord


@pytest.mark.django_db
def test_applying_twice_is_one_application(worker, posting):
    first, created = application_apply(worker=worker, posting_id=posting.id)
    again, created_again = application_apply(worker=worker, posting_id=posting.id)

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Application.objects.filter(worker=worker, posting=posting).count() == 1
    assert first.source == ApplicationSource.SELF_APPLIED
    assert list(first.state_log.values_list("from_state", "to_state")) == [("", "applied")]


@pytest.mark.django_db
def test_the_database_refuses_a_second_row_for_the_same_worker_and_posting(worker, posting):
    from django.db import IntegrityError

    application_apply(worker=worker, posting_id=posting.id)
    with pytest.raises(IntegrityError):
        Application.objects.create(worker=worker, posting=posting, source=ApplicationSource.SELF_APPLIED)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": "closed"}, "不接受报名"),
        ({"status": "draft", "published_at": None}, "找不到这个岗位"),
        ({"valid_until": timezone.localdate() - timedelta(days=1)}, "有效期"),
    ],
)
def test_it_refuses_an_application_to_a_posting_that_does_not_take_people(worker, regions, changes, message):
    posting = JobPostingFactory(**changes)

    with pytest.raises(ApplicationError, match=message):
        application_apply(worker=worker, posting_id=posting.id)


@pytest.mark.django_db
def test_it_refuses_an_application_to_a_full_posting(worker, make_worker, posting, liuyang_staff):
    for _ in range(posting.headcount):
        other, _created = application_apply(worker=make_worker(), posting_id=posting.id)
        application_move(actor=liuyang_staff, application_id=other.id, to_state="signed")

    with pytest.raises(ApplicationError, match="已招满"):
        application_apply(worker=worker, posting_id=posting.id)


@pytest.mark.django_db
def test_staff_cannot_sign_beyond_the_headcount(make_worker, posting, liuyang_staff):
    applications = [application_apply(worker=make_worker(), posting_id=posting.id)[0] for _ in range(4)]
    for application in applications[:3]:
        application_move(actor=liuyang_staff, application_id=application.id, to_state="signed")

    with pytest.raises(ApplicationError, match="已招满"):
        application_move(actor=liuyang_staff, application_id=applications[3].id, to_state="signed")


@pytest.mark.django_db
def test_staff_move_an_application_along_the_pipeline_and_each_step_is_logged(worker, posting, liuyang_staff):
    application, _ = application_apply(worker=worker, posting_id=posting.id)

    for state in ["recommended", "intention", "signed", "onboarded"]:
        application_move(actor=liuyang_staff, application_id=application.id, to_state=state)

    application.refresh_from_db()
    assert application.state == ApplicationState.ONBOARDED
    log = list(application.state_log.values_list("from_state", "to_state", "changed_by"))
    assert log == [
        ("", "applied", worker.user_id),
        ("applied", "recommended", liuyang_staff.id),
        ("recommended", "intention", liuyang_staff.id),
        ("intention", "signed", liuyang_staff.id),
        ("signed", "onboarded", liuyang_staff.id),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "target"), [("applied", "onboarded"), ("onboarded", "signed"), ("declined", "signed")]
)
def test_it_refuses_a_transition_outside_the_table(worker, posting, liuyang_staff, start, target):
    application = Application.objects.create(worker=worker, posting=posting, state=start, source="self_applied")

    with pytest.raises(ApplicationError, match="不能从"):
        application_move(actor=liuyang_staff, application_id=application.id, to_state=target)


@pytest.mark.django_db
def test_the_worker_may_withdraw_their_own_application_and_apply_again(worker, posting):
    application, _ = application_apply(worker=worker, posting_id=posting.id)

    application_withdraw(worker=worker, application_id=application.id)
    application.refresh_from_db()
    assert application.state == ApplicationState.WITHDRAWN

    again, created = application_apply(worker=worker, posting_id=posting.id)
    assert (again.pk, again.state, created) == (application.pk, ApplicationState.APPLIED, False)


@pytest.mark.django_db
def test_a_worker_cannot_withdraw_someone_elses_application(worker, make_worker, posting):
    application, _ = application_apply(worker=worker, posting_id=posting.id)

    with pytest.raises(ApplicationError, match="找不到"):
        application_withdraw(worker=make_worker(), application_id=application.id)


@pytest.mark.django_db
def test_a_job_seeker_cannot_move_an_application_even_their_own(worker, posting):
    application, _ = application_apply(worker=worker, posting_id=posting.id)

    with pytest.raises(ApplicationError, match="工作人员"):
        application_move(actor=worker.user, application_id=application.id, to_state="signed")


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.SUPERVISOR])
def test_dispatchers_and_supervisors_do_not_move_applications(worker, posting, regions, role):
    application, _ = application_apply(worker=worker, posting_id=posting.id)
    region = regions.get(code="430181" if role == Role.DISPATCHER else "430100")
    user = UserFactory(role=role, region=region)

    with pytest.raises(ApplicationError):
        application_move(actor=user, application_id=application.id, to_state="signed")


@pytest.mark.django_db
def test_staff_of_another_county_cannot_move_an_application(worker, posting, other_county_staff):
    application, _ = application_apply(worker=worker, posting_id=posting.id)

    with pytest.raises(ApplicationError, match="管辖"):
        application_move(actor=other_county_staff, application_id=application.id, to_state="signed")


@pytest.mark.django_db
def test_staff_of_the_workers_home_see_an_application_to_a_posting_elsewhere(make_worker, regions):
    """The sending county follows its worker to a job another county entered (labour cooperation)."""
    from placement.applications.selectors import staff_applications

    xinhua = regions.get(code="431322")
    worker = make_worker(home_region=xinhua)
    xinhua_staff = UserFactory(role=Role.COUNTY_STAFF, region=xinhua)
    application, _ = application_apply(worker=worker, posting_id=JobPostingFactory().id)
    stranger = UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="110101"))

    assert list(staff_applications(user=xinhua_staff)) == [application]
    assert list(staff_applications(user=stranger)) == []
    application_move(actor=xinhua_staff, application_id=application.id, to_state="recommended")


@pytest.mark.django_db
def test_a_recommendation_creates_the_application_and_a_service_record(worker, posting, liuyang_staff):
    application, created = application_recommend(actor=liuyang_staff, worker=worker, posting_id=posting.id)

    assert created
    assert (application.state, application.source) == ("recommended", "staff_recommended")
    record = ServiceRecord.objects.get(worker=worker)
    assert (record.kind, record.secretary) == (ServiceKind.RECOMMENDATION, liuyang_staff)
    assert posting.title in record.notes


@pytest.mark.django_db
def test_recommending_a_worker_who_applied_moves_them_on_and_recommending_again_changes_nothing(
    worker, posting, liuyang_staff
):
    applied, _ = application_apply(worker=worker, posting_id=posting.id)

    recommended, created = application_recommend(actor=liuyang_staff, worker=worker, posting_id=posting.id)
    again, _ = application_recommend(actor=liuyang_staff, worker=worker, posting_id=posting.id)

    assert (recommended.pk, recommended.state, created) == (applied.pk, "recommended", False)
    assert again.pk == applied.pk
    assert ServiceRecord.objects.filter(worker=worker, kind=ServiceKind.RECOMMENDATION).count() == 1


@pytest.mark.django_db
def test_staff_cannot_recommend_a_stranger_to_a_posting_outside_their_region(make_worker, regions):
    xinhua_staff = UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="431322"))

    with pytest.raises(ApplicationError, match="找不到这位务工人员"):
        application_recommend(actor=xinhua_staff, worker=make_worker(), posting_id=JobPostingFactory().id)
