import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.accounts.models import Role
from core.errors import ApplicationError
from core.notifications.models import OutboxMessage
from placement.applications.models import Application, ApplicationStateChange
from placement.applications.services import application_apply, application_move
from placement.matching.models import MatchRun, PushedMatch
from portal.statistics.retention import retention_reminders_send
from tests.factories import JobPostingFactory, TripFactory, UserFactory, WorkerFactory
from transport.models import Booking
from workers.models import ServiceRecord
from workers.services import service_record_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(regions):
    clerk = UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181"), first_name="李秘书")
    agent = UserFactory(role=Role.VILLAGE_AGENT, region=regions.get(code="430181102"), first_name="王经纪")
    other_agent = UserFactory(role=Role.VILLAGE_AGENT, region=regions.get(code="431322"), first_name="远山经纪")
    village = regions.get(code="430181102201")
    worker = WorkerFactory(home_region=village, registered_by=agent, secretary=clerk, full_name="张三")
    idle = WorkerFactory(home_region=village, registered_by=agent, secretary=clerk)
    return {"clerk": clerk, "agent": agent, "other_agent": other_agent, "worker": worker, "idle": idle}


def walk_the_whole_path(people):
    """张三 is pushed a job, applies, is signed and onboarded, rides the trip and is still employed at 30 days."""
    worker, clerk = people["worker"], people["clerk"]
    posting = JobPostingFactory()
    run = MatchRun.objects.create(started_at=timezone.now(), since=timezone.now())
    PushedMatch.objects.create(worker=worker, posting=posting, direction="to_worker", score=0.9, run=run)
    PushedMatch.objects.create(worker=people["idle"], posting=posting, direction="to_worker", score=0.5, run=run)
    application, _created = application_apply(worker=worker, posting_id=posting.pk)
    for state in ("recommended", "intention", "signed", "onboarded"):
        application_move(actor=clerk, application_id=application.pk, to_state=state)
    trip = TripFactory(status="departed")
    Booking.objects.create(
        trip=trip,
        worker=worker,
        status="boarded",
        seat_number=1,
        code="FUNNEL01",
        trip_departs_at=trip.departs_at,
        trip_arrives_at=trip.arrives_at,
        boarded_at=timezone.now(),
    )
    service_record_create(
        worker=worker, secretary=clerk, kind="retention_30", served_on=timezone.localdate(), still_employed=True
    )
    return application


def test_a_follow_up_call_must_say_whether_the_person_is_still_in_work(people):
    worker, clerk = people["worker"], people["clerk"]
    with pytest.raises(ApplicationError, match="是否仍在岗"):
        service_record_create(worker=worker, secretary=clerk, kind="retention_90", served_on=timezone.localdate())
    other = service_record_create(
        worker=worker, secretary=clerk, kind="guidance", served_on=timezone.localdate(), still_employed=True
    )
    assert other.still_employed is None
    assert not ServiceRecord.objects.filter(kind="retention_90").exists()


def test_the_funnel_counts_each_person_once_at_every_step_for_the_county_the_secretary_and_the_agent(client, people):
    walk_the_whole_path(people)
    client.force_login(people["clerk"])
    page = client.get(reverse("statistics:funnel")).content.decode()
    assert "浏阳市 · 转化漏斗" in page
    total = page.split('<th scope="row">浏阳市</th>', 1)[1].split("</tr>", 1)[0]
    counts = [cell.split("<", 1)[0].strip() for cell in total.split("<td>")[1:]]
    #        pushed opened applied intention signed booked boarded onboarded 30d 90d
    assert counts == ["2", "0", "1", "1", "1", "1", "1", "1", "1", "0"]
    # Conversion from the step before: nobody opened the push in the inbox (0%), everyone who applied went on (100%).
    assert total.startswith(
        '<td>2</td><td>0 <span class="hint">(0%)</span></td><td>1</td><td>1 <span class="hint">(100%)'
    )
    assert '<th scope="row">李秘书</th>' in page
    assert '<th scope="row">王经纪</th>' in page


def test_the_secretary_is_reminded_once_when_the_30_day_follow_up_falls_due(people):
    application = walk_the_whole_path(people)
    ServiceRecord.objects.filter(kind="retention_30").delete()
    onboarded = ApplicationStateChange.objects.get(application=application, to_state="onboarded")
    ApplicationStateChange.objects.filter(pk=onboarded.pk).update(changed_at=timezone.now() - timedelta(days=30))
    assert retention_reminders_send() == 1
    assert retention_reminders_send() == 0
    message = OutboxMessage.objects.get(template="retention_due")
    assert message.recipient == people["clerk"]
    assert message.text.startswith("张三上岗已满30天，请做稳岗回访")
    assert f"/console/workers/{people['worker'].pk}/" in message.text


def test_no_reminder_once_the_follow_up_is_recorded(people):
    application = walk_the_whole_path(people)
    onboarded = ApplicationStateChange.objects.get(application=application, to_state="onboarded")
    ApplicationStateChange.objects.filter(pk=onboarded.pk).update(changed_at=timezone.now() - timedelta(days=31))
    assert retention_reminders_send() == 0


def test_each_agent_in_scope_is_credited_with_the_people_they_registered_and_how_far_they_got(client, people):
    walk_the_whole_path(people)
    service_record_create(
        worker=people["worker"],
        secretary=people["clerk"],
        kind="retention_90",
        served_on=timezone.localdate(),
        still_employed=True,
    )
    client.force_login(people["clerk"])
    page = client.get(reverse("statistics:agents")).content.decode()
    row = page.split('<th scope="row">王经纪</th>', 1)[1].split("</tr>", 1)[0]
    assert [cell.split("<")[0] for cell in row.split("<td>")[1:]] == ["大瑶镇", "2", "1", "1", "1", "1"]
    assert "远山经纪" not in page
    workbook = client.get(reverse("statistics:agents_excel"))
    rows = list(load_workbook(io.BytesIO(workbook.content)).active.iter_rows(values_only=True))
    assert rows[0][0].startswith("浏阳市劳务经纪人业绩")
    assert rows[2] == ("王经纪", people["agent"].username, "大瑶镇", 2, 1, 1, 1, 1)


def path_on(page):
    """{step: the date shown} from the path panel of a page."""
    panel = page.content.decode().split('id="worker-path"', 1)[1].split("</ol>", 1)[0]
    steps = {}
    for item in panel.split('data-step="')[1:]:
        step = item.split('"', 1)[0]
        steps[step] = item.split('<span class="worker-path__date">', 1)[1].split("</span>", 1)[0]
    return steps


def dated_path(people):
    """The whole path, with its moments set to known Shanghai days (boarding at 07:30 on 5 February in Shanghai is
    still the 4th in UTC)."""
    shanghai = ZoneInfo("Asia/Shanghai")
    application = walk_the_whole_path(people)
    worker = people["worker"]
    PushedMatch.objects.filter(worker=worker).update(pushed_at=datetime(2026, 2, 1, 9, tzinfo=shanghai))
    Application.objects.filter(pk=application.pk).update(created_at=datetime(2026, 2, 2, 9, tzinfo=shanghai))
    for state, day in (("intention", 2), ("signed", 3), ("onboarded", 6)):
        ApplicationStateChange.objects.filter(application=application, to_state=state).update(
            changed_at=datetime(2026, 2, day, 15, tzinfo=shanghai)
        )
    Booking.objects.filter(worker=worker).update(
        created_at=datetime(2026, 2, 3, 20, tzinfo=shanghai), boarded_at=datetime(2026, 2, 5, 7, 30, tzinfo=shanghai)
    )
    ServiceRecord.objects.filter(worker=worker, kind="retention_30").update(served_on="2026-03-08")


def test_the_staff_see_on_a_workers_record_each_step_of_their_path_with_its_date(people, client):
    dated_path(people)
    client.force_login(people["clerk"])
    page = client.get(reverse("workers:detail", args=[people["worker"].pk]))
    assert page.status_code == 200
    assert path_on(page) == {
        "pushed": "2026-02-01",
        "opened": "—",
        "applied": "2026-02-02",
        "intention": "2026-02-02",
        "signed": "2026-02-03",
        "booked": "2026-02-03",
        "boarded": "2026-02-05",
        "onboarded": "2026-02-06",
        "retained_30": "2026-03-08",
        "retained_90": "—",
    }
    assert "求职进度" in page.content.decode()


def test_a_worker_sees_on_their_own_page_the_steps_they_reached_and_not_what_was_pushed_to_them(people, client):
    dated_path(people)
    client.force_login(people["worker"].user)
    page = client.get(reverse("me:home"))
    assert path_on(page) == {
        "applied": "2月2日",
        "intention": "2月2日",
        "signed": "2月3日",
        "booked": "2月3日",
        "boarded": "2月5日",
        "onboarded": "2月6日",
        "retained_30": "3月8日",
    }
    assert "我的求职进度" in page.content.decode()


def test_a_worker_who_has_not_applied_anywhere_has_no_path_on_their_own_page(people, client):
    walk_the_whole_path(people)  # the idle worker was only pushed a job
    client.force_login(people["idle"].user)
    page = client.get(reverse("me:home"))
    assert page.status_code == 200
    assert 'id="worker-path"' not in page.content.decode()
