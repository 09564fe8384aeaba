"""The dispatcher's console pages as the dispatcher sees them: the manifest, the boarding page and the trip form."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from core.accounts.models import Role
from core.privacy.masking import mask_phone
from tests.factories import (
    EmployerFactory,
    JobPostingFactory,
    PickupPointFactory,
    TripFactory,
    UserFactory,
    WorkerFactory,
)
from transport.models import Trip
from transport.services import booking_board, booking_create, trip_depart

pytestmark = pytest.mark.django_db


def _visible_text(html):
    """The page's words without its tags, as a reader sees them in order."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _book(trip, worker):
    booking, _ = booking_create(trip_id=trip.pk, worker=worker)
    return booking


# --- The manifest ---------------------------------------------------------------------------------------------


def test_the_manifest_lists_a_full_trips_passengers_seat_by_seat_and_who_has_boarded(
    client, regions, make_worker, dispatcher
):
    trip = TripFactory(capacity=3)
    names = ["谭小梅", "刘建国", "曾秋菊"]
    bookings = [_book(trip, make_worker(full_name=name)) for name in names]
    waiting = _book(trip, make_worker(full_name="罗大勇"))
    booking_board(actor=dispatcher, trip_id=trip.pk, query=bookings[1].code)
    client.force_login(dispatcher)

    text = _visible_text(client.get(f"/console/trips/{trip.pk}/manifest/").text)

    assert "还没有乘客" not in text
    seats = [text.index(f"{seat} {name}") for seat, name in zip((1, 2, 3), names, strict=True)]
    assert seats == sorted(seats)
    assert text.index("罗大勇") > seats[-1]
    assert f"2 刘建国 {bookings[1].worker.id_number_masked}" in text
    assert "已上车 1 / 3" in text
    assert waiting.worker.user.phone not in text
    assert mask_phone(bookings[0].worker.user.phone) in text


def test_the_manifest_sits_in_the_console_frame_with_a_way_back_to_the_trip(client, trip, dispatcher):
    client.force_login(dispatcher)

    page = client.get(f"/console/trips/{trip.pk}/manifest/").text

    assert "工作台导航" in page
    assert f'href="/console/trips/{trip.pk}/"' in page
    assert f'href="/console/trips/{trip.pk}/boarding/"' in page
    assert "onclick" not in page


def test_after_departure_the_manifest_marks_who_did_not_come(client, regions, make_worker, dispatcher):
    trip = TripFactory()
    came = _book(trip, make_worker(full_name="谭小梅"))
    _book(trip, make_worker(full_name="刘建国"))
    booking_board(actor=dispatcher, trip_id=trip.pk, query=came.code)
    trip_depart(actor=dispatcher, trip_id=trip.pk)
    client.force_login(dispatcher)

    text = _visible_text(client.get(f"/console/trips/{trip.pk}/manifest/").text)

    assert re.search(r"1 谭小梅 \S+ \S+ — 已上车 \d\d:\d\d", text)
    assert re.search(r"2 刘建国 \S+ \S+ — 未到", text)
    assert "已上车 1 / 2" in text


def test_another_countys_dispatcher_cannot_open_the_manifest(client, trip, regions):
    guzhang = UserFactory(role=Role.DISPATCHER, region=regions.get(code="433126"))
    client.force_login(guzhang)

    assert client.get(f"/console/trips/{trip.pk}/manifest/").status_code == 404


def test_the_dispatcher_books_a_worker_by_a_phone_pasted_with_country_code_and_dashes(
    client, regions, trip, dispatcher
):
    worker = WorkerFactory(full_name="谭小梅", home_region=regions.get(code="431322"))
    phone = worker.user.phone
    client.force_login(dispatcher)

    page = client.get(f"/console/trips/{trip.pk}/").text
    phone_input = re.search(r'<input[^>]*id="book-phone"[^>]*>', page).group()
    assert all(attribute in phone_input for attribute in ('name="phone"', 'inputmode="tel"', 'maxlength="40"'))
    client.post(f"/console/trips/{trip.pk}/book/", {"phone": f"+86 {phone[:3]} - {phone[3:7]} - {phone[7:]}"})

    assert trip.bookings.get().worker == worker


# --- Boarding -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["{code}", "{lower}", " {a} {b} ", "{a}-{b}", "{a}－{b}", "{a}—{b}", "{full}"])
def test_boarding_takes_a_typed_code_with_spaces_dashes_lower_case_or_full_width_letters(
    typed, trip, make_worker, dispatcher
):
    booking = _book(trip, make_worker())
    code = booking.code
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    query = typed.format(code=code, lower=code.lower(), a=code[:4].lower(), b=code[4:], full=full_width)

    scan = booking_board(actor=dispatcher, trip_id=trip.pk, query=query)

    booking.refresh_from_db()
    assert (scan.outcome, booking.status) == ("boarded", "boarded")


@pytest.mark.parametrize("typed", ["{a} {b}-{c}", "+86 {a} {b} {c}", "0086{a}{b}{c}", "{full}"])
def test_boarding_finds_a_phone_number_typed_with_spaces_dashes_a_country_code_or_full_width_digits(
    typed, trip, make_worker, dispatcher
):
    booking = _book(trip, make_worker())
    phone = booking.worker.user.phone
    full_width = "".join(chr(ord(digit) + 0xFEE0) for digit in phone)
    query = typed.format(a=phone[:3], b=phone[3:7], c=phone[7:], full=full_width)

    scan = booking_board(actor=dispatcher, trip_id=trip.pk, query=query)

    assert scan.outcome == "boarded"


def test_the_boarding_page_counts_who_has_boarded_and_lists_who_is_still_missing(
    client, regions, make_worker, dispatcher
):
    trip = TripFactory(capacity=5)
    point = PickupPointFactory(trip=trip, name="洋溪镇政府")
    bookings = [_book(trip, make_worker(full_name=name)) for name in ("谭小梅", "刘建国", "曾秋菊")]
    bookings[0].pickup_point = point
    bookings[0].save()
    client.force_login(dispatcher)

    page = client.post(f"/console/trips/{trip.pk}/boarding/", {"query": bookings[1].code.lower()})

    text = _visible_text(page.text)
    assert "刘建国 上车成功" in text
    assert "已上车 1 / 3" in text
    missing = text[text.index("还没上车") : text.index("扫码记录")]
    assert "1 谭小梅 洋溪镇政府" in missing
    assert "3 曾秋菊" in missing
    assert "刘建国" not in missing
    assert re.search(r'<input[^>]+name="query"[^>]*autofocus', page.text)


def test_the_scan_button_is_hidden_until_a_script_finds_a_camera_and_the_decoder_loads_on_this_page_only(
    client, trip, dispatcher
):
    client.force_login(dispatcher)

    boarding = client.get(f"/console/trips/{trip.pk}/boarding/").text
    manifest = client.get(f"/console/trips/{trip.pk}/manifest/").text

    assert re.search(r'<button[^>]+id="scan-button"[^>]* hidden', boarding)
    assert "vendor/jsqr/jsQR.js" in boarding
    assert "jsQR.js" not in manifest


# --- The trip form --------------------------------------------------------------------------------------------


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _trip_form(departs, **fields):
    return {
        "mode": "coach",
        "service_number": "湘K·A3561",
        "origin_county": "431322",
        "destination_region__province": "430000",
        "destination_region__city": "430100",
        "destination_region__county": "430181",
        "destination_address": "浏阳经开区康万路",
        "departs_at": _local(departs),
        "arrives_at": _local(departs + timedelta(hours=5)),
        "capacity": "50",
        "booking_opens_at": _local(timezone.now()),
        "booking_closes_at": _local(departs - timedelta(hours=12)),
        "who_may_book": "anyone",
        "cost": "free",
        "contact_name": "罗师傅",
        "contact_phone": "13907381234",
        "pickup-TOTAL_FORMS": "1",
        "pickup-INITIAL_FORMS": "0",
        "pickup-MIN_NUM_FORMS": "1",
        "pickup-MAX_NUM_FORMS": "10",
        "pickup-0-name": "洋溪镇政府",
        "pickup-0-meets_at": _local(departs - timedelta(minutes=30)),
        **fields,
    }


@pytest.fixture
def xinhua_posting(regions):
    employer = EmployerFactory(name="新化县鑫达电子厂", region_id="431322", county_id="431322")
    return JobPostingFactory(employer=employer, title="电子厂普工", work_region_id="431322", county_id="431322")


@pytest.fixture
def guzhang_posting(regions):
    employer = EmployerFactory(name="古丈县茶叶合作社", region_id="433126", county_id="433126")
    return JobPostingFactory(employer=employer, title="采茶工", work_region_id="433126", county_id="433126")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+86 139 0738 1234", "13907381234"),
        ("１３９０７３８１２３４", "13907381234"),
        ("0731－8361 2345", "0731-83612345"),
    ],
)
def test_the_trip_forms_contact_phone_is_normalised_as_every_phone_field_is(client, dispatcher, typed, stored):
    client.force_login(dispatcher)
    departs = timezone.now() + timedelta(days=3)

    response = client.post("/console/trips/new/", _trip_form(departs, contact_phone=typed))

    assert response.status_code == 302, response.text
    assert Trip.objects.get().contact_phone == stored


def test_a_trip_contact_phone_that_is_no_number_is_refused_next_to_its_field(client, dispatcher):
    client.force_login(dispatcher)
    departs = timezone.now() + timedelta(days=3)

    response = client.post("/console/trips/new/", _trip_form(departs, contact_phone="罗师傅的手机"))

    assert response.status_code == 400
    assert "请填11位手机号或带区号的固定电话" in response.text
    assert not Trip.objects.exists()


def test_the_trip_form_offers_only_the_dispatchers_regions_postings_and_employers_named_with_the_employer(
    client, dispatcher, xinhua_posting, guzhang_posting
):
    client.force_login(dispatcher)

    page = client.get("/console/trips/new/").text

    assert "电子厂普工 · 新化县鑫达电子厂" in page
    assert "新化县鑫达电子厂" in page
    assert "采茶工" not in page
    assert "古丈县茶叶合作社" not in page
    assert "data-option-filter" in page


def test_a_trip_form_posted_with_another_countys_posting_or_employer_is_refused_and_saves_nothing(
    client, dispatcher, guzhang_posting
):
    client.force_login(dispatcher)
    departs = timezone.now() + timedelta(days=3)

    with_posting = client.post("/console/trips/new/", _trip_form(departs, postings=[str(guzhang_posting.pk)]))
    with_employer = client.post(
        "/console/trips/new/", _trip_form(departs, destination_employer=str(guzhang_posting.employer_id))
    )

    assert (with_posting.status_code, with_employer.status_code) == (400, 400)
    assert "选择一个有效的选项" in with_posting.text or "有效" in with_posting.text
    assert not Trip.objects.exists()


def test_a_dispatcher_creates_a_trip_to_a_county_picked_level_by_level_with_a_posting_of_their_region(
    client, dispatcher, xinhua_posting
):
    client.force_login(dispatcher)
    departs = timezone.now() + timedelta(days=3)

    response = client.post("/console/trips/new/", _trip_form(departs, postings=[str(xinhua_posting.pk)]))

    trip = Trip.objects.get()
    assert response.status_code == 302
    assert trip.destination_region_id == "430181"
    assert list(trip.postings.all()) == [xinhua_posting]


def test_the_destination_is_picked_with_the_cascading_region_picker(client, dispatcher):
    client.force_login(dispatcher)

    page = client.get("/console/trips/new/").text

    assert 'name="destination_region__province"' in page
    assert 'name="destination_region__county"' in page
    assert "region-picker.js" in page
    assert page.count("市辖区") == 0


def test_the_trip_form_preselects_a_one_county_dispatchers_county_and_fills_in_every_time(client, dispatcher):
    client.force_login(dispatcher)

    page = client.get("/console/trips/new/")

    # What the inputs show: local times, as the dispatcher reads them.
    form, pickup = page.context["form"], page.context["pickups"].forms[0]
    departs = form["departs_at"].value()
    closes = form["booking_closes_at"].value()
    assert form["origin_county"].value() == "431322"
    assert departs > timezone.localtime().replace(tzinfo=None)
    assert form["arrives_at"].value() > departs
    assert form["booking_opens_at"].value() <= timezone.localtime().replace(tzinfo=None)
    assert (closes.date(), closes.hour, closes.minute) == (departs.date() - timedelta(days=1), 20, 0)
    assert pickup["meets_at"].value() == departs - timedelta(minutes=30)
    assert f'value="{departs:%Y-%m-%dT%H:%M}"' in page.text


def test_a_city_dispatcher_chooses_the_county_themselves(client, regions):
    loudi = UserFactory(role=Role.DISPATCHER, region=regions.get(code="431300"))
    client.force_login(loudi)

    form = client.get("/console/trips/new/").context["form"]

    assert form["origin_county"].value() is None
    assert len(form.fields["origin_county"].queryset) > 1
