from datetime import timedelta

import pytest
from django.utils import timezone

from core.notifications.models import NotificationPreference, OutboxMessage
from placement.matching.models import MatchRun, PushDirection, PushedMatch
from placement.matching.services import matches_push
from tests.factories import WorkerFactory
from workers.models import Worker

pytestmark = [pytest.mark.django_db, pytest.mark.twins]


def messages_to(user, channel):
    return OutboxMessage.objects.filter(recipient=user, channel=channel)


def test_each_worker_gets_one_sms_and_inbox_message_with_their_best_three_new_jobs(seeker, make_posting):
    best = make_posting(title="包吃包住普工", wage_min=5000, wage_max=6500, provides_meals=True, provides_housing=True)
    others = [make_posting(title=f"普工{n}", wage_min=5000 + 100 * n, wage_max=5000 + 100 * n) for n in range(4)]

    run = matches_push()

    pushed = PushedMatch.objects.filter(worker=seeker, direction=PushDirection.TO_WORKER)
    assert set(pushed.values_list("posting_id", flat=True)) == {best.pk, others[3].pk, others[2].pk}
    [sms] = messages_to(seeker.user, "sms")
    [inbox] = messages_to(seeker.user, "inbox")
    assert (
        sms.text
        == inbox.text
        == (
            "春风就业为您推荐3个新岗位，如包吃包住普工 5000-6500元；普工3 5300元。"
            "请登录春风就业，在“为您推荐”中查看并报名。拒收请回复R"
        )
    )
    # The third job does not fit the provider's 35 characters a variable; the count still says three.
    assert sms.params == {"count": "3", "jobs": "包吃包住普工 5000-6500元；普工3 5300元"}
    assert run.workers_notified == 1
    assert run.jobs_pushed == 3


def test_workers_matched_to_different_jobs_each_get_their_own_digest(seeker, make_posting):
    cook = WorkerFactory(
        home_region=seeker.home_region, birth_date=seeker.birth_date, wanted_occupations="厨师", wanted_area="near_home"
    )
    make_posting(title="流水线普工")
    make_posting(title="食堂厨师", occupation="cook")

    run = matches_push()

    assert "流水线普工" in messages_to(seeker.user, "sms").get().text
    assert "食堂厨师" in messages_to(cook.user, "sms").get().text
    assert run.workers_notified == 2


def test_running_it_again_sends_nothing_twice(seeker, make_posting, liuyang_staff):
    for n in range(2):
        make_posting(title=f"普工{n}")
    matches_push()
    sent = OutboxMessage.objects.count()
    # As if the first run had died before it finished: the next one looks at the same postings again.
    MatchRun.objects.update(finished_at=None)
    matches_push()
    assert OutboxMessage.objects.count() == sent
    assert PushedMatch.objects.filter(direction=PushDirection.TO_WORKER).count() == 2


def test_a_worker_gets_no_more_than_three_jobs_however_often_it_runs(seeker, make_posting):
    for n in range(3):
        make_posting(title=f"普工{n}")
    matches_push()
    make_posting(title="又一个普工", wage_max=7000)
    MatchRun.objects.update(finished_at=None)
    matches_push()
    assert PushedMatch.objects.filter(worker=seeker, direction=PushDirection.TO_WORKER).count() == 3
    assert messages_to(seeker.user, "sms").count() == 1


def test_the_posting_owner_gets_one_candidate_list_in_the_inbox(seeker, make_posting, liuyang_staff):
    posting = make_posting(title="流水线普工")
    matches_push()
    [message] = messages_to(liuyang_staff, "inbox")
    assert "流水线普工" in message.text
    assert f"/console/matching/postings/{posting.pk}/candidates/" in message.text
    assert not messages_to(liuyang_staff, "sms").exists()
    MatchRun.objects.update(finished_at=None)
    matches_push()
    assert messages_to(liuyang_staff, "inbox").count() == 1


def test_only_postings_new_since_the_last_run_are_pushed_to_unchanged_workers(seeker, make_posting):
    two_days_ago = timezone.now() - timedelta(days=2)
    Worker.objects.filter(pk=seeker.pk).update(registered_at=two_days_ago, updated_at=two_days_ago)
    old = make_posting(title="老岗位", published_at=timezone.now() - timedelta(days=3))
    fresh = make_posting(title="新岗位")
    matches_push()
    assert set(PushedMatch.objects.values_list("posting_id", flat=True)) == {fresh.pk}
    assert old.pk not in set(PushedMatch.objects.values_list("posting_id", flat=True))


def test_a_newly_registered_worker_is_matched_against_every_live_posting(seeker, make_posting):
    older = make_posting(title="上周的岗位", published_at=timezone.now() - timedelta(days=7))
    matches_push()
    assert PushedMatch.objects.filter(worker=seeker, posting=older).exists()


def test_workers_who_turned_sms_off_still_get_the_inbox_message(seeker, make_posting):
    NotificationPreference.objects.create(user=seeker.user, sms_enabled=False)
    make_posting()
    matches_push()
    assert messages_to(seeker.user, "sms").get().status == "cancelled"
    assert messages_to(seeker.user, "inbox").count() == 1


def test_a_worker_whose_new_nearby_jobs_all_fail_a_hard_filter_gets_no_message(seeker, make_posting):
    make_posting(title="低薪普工", wage_min=3000, wage_max=4000)  # below 5,000 less the tolerance
    run = matches_push()
    assert not messages_to(seeker.user, "sms").exists()
    assert run.workers_notified == 0
