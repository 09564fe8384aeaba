"""What follows a signing across the floors: placement announces it after commit, portal/flows.py starts
transport's task with the application's id, and the task offers the worker the open trips towards the employer."""

import pytest

from core.notifications.models import OutboxMessage
from placement.applications.models import Application
from placement.applications.services import application_apply, application_move
from portal.celery import app as celery_app
from tests.factories import TripFactory
from transport import signing_offers
from transport.eligibility import worker_may_book
from transport.tasks import signing_offer_send


@pytest.fixture
def signable(worker, posting):
    application, _ = application_apply(worker=worker, posting_id=posting.id)
    return application


@pytest.fixture
def sign(liuyang_staff, django_capture_on_commit_callbacks):
    """Sign as 浏阳市's staff and commit: the after-commit announcement runs, and the task it starts runs in
    process (as in the embedded mode) instead of waiting in Redis for a worker."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True

    def sign(application):
        with django_capture_on_commit_callbacks(execute=True):
            return application_move(actor=liuyang_staff, application_id=application.id, to_state="signed")

    yield sign
    celery_app.conf.task_always_eager = eager


def _trip(posting, **kwargs):
    """An open trip from 浏阳市 (the test worker's county) to the posting's employer."""
    return TripFactory(destination_employer=posting.employer, origin_county_id="430181", **kwargs)


@pytest.mark.django_db
def test_signing_offers_the_worker_the_open_trips_towards_the_employer(signable, posting, sign):
    trip = _trip(posting)
    _trip(posting, status="cancelled")
    TripFactory(origin_county_id="430181")  # to somewhere else

    sign(signable)

    messages = OutboxMessage.objects.filter(recipient=signable.worker.user, template="trip_offer_signed")
    assert sorted(messages.values_list("channel", flat=True)) == ["inbox", "sms"]
    text = messages.first().text
    assert posting.employer.name in text
    assert trip.service_number in text
    # Where to book is fixed text: a link in a variable would not pass the provider's review.
    assert "有1趟返岗专车可预约" in text
    assert "在“专车”中预约座位" in text
    assert "http" not in text


@pytest.mark.django_db
def test_the_offer_names_as_many_trips_as_the_sms_variable_holds_and_counts_them_all(signable, posting, sign):
    for number in ("湘A10001 大巴（经停长沙南站）", "湘A10002", "湘A10003"):
        _trip(posting, service_number=number)

    sign(signable)

    sms = OutboxMessage.objects.get(channel="sms", template="trip_offer_signed")
    assert sms.params["count"] == "3"
    assert len(sms.params["trips"]) <= 35
    assert "湘A10001" in sms.params["trips"]


@pytest.mark.django_db
def test_a_trip_tied_to_the_posting_is_offered_too(signable, posting, sign):
    trip = TripFactory(origin_county_id="430181", destination_region_id="430181")
    trip.postings.add(posting)

    sign(signable)

    text = OutboxMessage.objects.get(channel="inbox", template="trip_offer_signed").text
    assert trip.service_number in text
    assert "有1趟" in text


@pytest.mark.django_db
def test_trips_from_another_county_are_not_offered(signable, posting, sign):
    TripFactory(destination_employer=posting.employer)  # leaves from 新化县, not the worker's 浏阳市

    sign(signable)

    assert not OutboxMessage.objects.filter(template="trip_offer_signed").exists()


@pytest.mark.django_db
def test_only_the_move_to_signed_makes_an_offer(
    signable, posting, liuyang_staff, sign, django_capture_on_commit_callbacks
):
    _trip(posting)

    with django_capture_on_commit_callbacks(execute=True):
        application_move(actor=liuyang_staff, application_id=signable.id, to_state="intention")
    assert not OutboxMessage.objects.filter(template="trip_offer_signed").exists()
    sign(signable)
    with django_capture_on_commit_callbacks(execute=True):
        application_move(actor=liuyang_staff, application_id=signable.id, to_state="onboarded")
    assert OutboxMessage.objects.filter(template="trip_offer_signed", channel="inbox").count() == 1


@pytest.mark.django_db
def test_a_trip_for_signed_workers_takes_only_those_signed_there(signable, make_worker, posting, liuyang_staff):
    trip = _trip(posting, who_may_book="signed_there")
    stranger = make_worker()

    assert not worker_may_book(trip=trip, worker=signable.worker)
    application_move(actor=liuyang_staff, application_id=signable.id, to_state="signed")
    assert worker_may_book(trip=trip, worker=signable.worker)
    assert not worker_may_book(trip=trip, worker=stranger)


@pytest.mark.django_db
def test_a_signed_worker_books_a_restricted_trip_through_the_booking_service(signable, posting, liuyang_staff):
    from core.errors import ApplicationError
    from transport.services import booking_create

    trip = _trip(posting, who_may_book="signed_there")
    with pytest.raises(ApplicationError, match="指定人员"):
        booking_create(trip_id=trip.id, worker=signable.worker)

    application_move(actor=liuyang_staff, application_id=signable.id, to_state="signed")
    booking, created = booking_create(trip_id=trip.id, worker=signable.worker)

    assert created
    assert booking.status == "confirmed"


@pytest.mark.django_db
def test_a_transport_error_after_signing_leaves_the_signature_in_place(signable, posting, sign, monkeypatch, caplog):
    _trip(posting)

    def broken(**kwargs):
        raise RuntimeError("trips table unavailable")

    monkeypatch.setattr(signing_offers, "trips_towards", broken)
    sign(signable)

    assert Application.objects.get(pk=signable.pk).state == "signed"
    assert signable.state_log.filter(to_state="signed").exists()
    assert not OutboxMessage.objects.filter(template="trip_offer_signed").exists()
    assert "trips table unavailable" in caplog.text


@pytest.mark.django_db
def test_the_offer_task_run_twice_for_one_signing_sends_once(signable, posting, sign):
    _trip(posting)
    sign(signable)

    assert signing_offer_send(signable.id) == 0
    assert OutboxMessage.objects.filter(template="trip_offer_signed").count() == 2  # one SMS, one inbox message


@pytest.mark.django_db
def test_an_application_withdrawn_before_the_task_runs_is_offered_nothing(
    signable, posting, liuyang_staff, django_capture_on_commit_callbacks
):
    _trip(posting)
    with django_capture_on_commit_callbacks() as announced:
        application_move(actor=liuyang_staff, application_id=signable.id, to_state="signed")
    application_move(actor=liuyang_staff, application_id=signable.id, to_state="withdrawn")

    assert len(announced) == 1
    assert signing_offer_send(signable.id) == 0
    assert not OutboxMessage.objects.filter(template="trip_offer_signed").exists()


@pytest.mark.django_db
def test_an_application_signed_again_after_a_withdrawal_is_offered_again(signable, posting, liuyang_staff, sign):
    _trip(posting)
    sign(signable)
    application_move(actor=liuyang_staff, application_id=signable.id, to_state="withdrawn")
    application_move(actor=liuyang_staff, application_id=signable.id, to_state="recommended")
    sign(signable)

    assert OutboxMessage.objects.filter(template="trip_offer_signed", channel="inbox").count() == 2
