"""Demo fairs and applications: a finished offline fair in 新化 with its intentions, an upcoming livestream
(直播带岗) in 古丈 and an online fair in 浏阳; and the workers of 新化 and 古丈 at every step from applied to
onboarded, so that the pipeline pages and "my applications" have something to show.

Everything goes through the services, as staff and workers would. Idempotent: nothing is added twice.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.accounts.models import Role, User
from core.regions.models import Region
from jobs.models import JobPosting, PostingStatus
from placement.applications.models import JobFair
from placement.applications.services import (
    application_apply,
    application_move,
    application_recommend,
    application_withdraw,
    fair_attendance_record,
    fair_create,
    fair_intention_record,
)
from workers.models import Worker

FINISHED_FAIR = "2026年春风行动新化县专场招聘会"

# The path each demo worker's application takes after applying (or being recommended).
DEMO_PATHS = [
    ["applied"],
    ["applied"],
    ["recommended"],
    ["recommended", "intention"],
    ["applied", "intention", "signed"],
    ["recommended", "intention", "signed", "onboarded"],
    ["applied", "withdrawn"],
    ["recommended", "declined"],
]


def _staff(username):
    """The demo county's staff account, or an administrator when the demo accounts were not made."""
    return (
        User.objects.filter(username=username).first()
        or User.objects.filter(role=Role.ADMIN).first()
        or User.objects.filter(is_superuser=True).first()
    )


def _open_postings():
    return JobPosting.objects.filter(status=PostingStatus.PUBLISHED, valid_until__gte=timezone.localdate()).order_by(
        "-headcount", "id"
    )


def _fair(actor, *, title, kind, county, starts_at, hours, postings, place="", stream_url="", description=""):
    return fair_create(
        actor=actor,
        fields={
            "title": title,
            "kind": kind,
            "county": Region.objects.get(code=county),
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=hours),
            "place": place,
            "stream_url": stream_url,
            "description": description,
        },
        postings=postings,
    )


def _walk(application, path, *, actor):
    for state in path[1:]:
        if state == "withdrawn":
            application_withdraw(worker=application.worker, application_id=application.id)
        else:
            application_move(actor=actor, application_id=application.id, to_state=state)


@transaction.atomic
def seed_demo_applications():
    if JobFair.objects.filter(title=FINISHED_FAIR).exists():
        return 0
    postings = list(_open_postings()[:6])
    workers = list(
        Worker.objects.filter(home_region__code__startswith="431322", anonymised_at__isnull=True).order_by("id")[:20]
    )
    actor = _staff("xinhua_staff")
    if len(postings) < 3 or len(workers) < len(DEMO_PATHS) + 6 or actor is None:
        return 0
    now = timezone.now()
    finished = _fair(
        actor,
        title=FINISHED_FAIR,
        kind="offline",
        county="431322",
        starts_at=now - timedelta(days=10),
        hours=4,
        postings=postings[:4],
        place="新化县上梅街道人力资源市场",
        description="浏阳、宁乡重点企业现场招聘，提供返岗专车。",
    )
    _fair(
        _staff("guzhang_staff"),
        title="“春风送岗”直播带岗·古丈专场",
        kind="livestream",
        county="433126",
        starts_at=now + timedelta(days=3),
        hours=2,
        postings=postings[2:6],
        stream_url="https://live.example.cn/chunfeng/guzhang",
        description="主播带您云逛工厂，直播间扫码即可报名。",
    )
    _fair(
        actor,
        title="浏阳经开区线上招聘会",
        kind="online",
        county="431322",
        starts_at=now + timedelta(days=7),
        hours=8,
        postings=postings[:3],
        stream_url="https://jobs.example.cn/fairs/liuyang",
    )

    for index, path in enumerate(DEMO_PATHS):
        worker, posting = workers[index], postings[index % len(postings)]
        if path[0] == "recommended":
            application, _ = application_recommend(actor=actor, worker=worker, posting_id=posting.id)
        else:
            application, _ = application_apply(worker=worker, posting_id=posting.id)
        _walk(application, path, actor=actor)

    # On the fair's day: six came, four agreed with an employer there.
    for offset, worker in enumerate(workers[len(DEMO_PATHS) : len(DEMO_PATHS) + 6]):
        if offset < 4:
            fair_intention_record(actor=actor, fair=finished, worker=worker, posting_id=postings[offset % 4].id)
        else:
            fair_attendance_record(actor=actor, fair=finished, worker=worker)
    JobFair.objects.filter(pk=finished.pk).update(views=1268)
    return len(DEMO_PATHS) + 4
