"""The authorization matrix: every console and API route that takes an object id, tried across a county line.

`test_every_route_that_takes_an_object_id_has_a_cross_region_case` walks the URLconf itself, so a new route that
takes an id fails the suite until a case for it is added to CASES below. Each case builds an object that belongs to
another county (新化县, or someone else's own data for a job seeker's route), signs in as a user of 浏阳市 and sends
every method the route accepts: each must be refused (404, or 403), and no row in the database may change.

Ids that arrive in a form field or the query string are not in the URLconf; FORM_CASES tries each of them.

To add a case: a `Case(actor, build, kwargs, requests)` keyed by the route's name (namespace:name), where `build`
makes the other county's object from the `world` fixture, `kwargs` turns it into the URL's arguments and `requests`
lists (method, form data) pairs. See docs/security.md.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.utils import timezone

from core.accounts.models import Role
from core.regions.services import regions_import_subdivisions
from tests.factories import (
    EmployerFactory,
    JobPostingFactory,
    TripFactory,
    UserFactory,
    WorkerFactory,
    credit_code,
)

pytestmark = pytest.mark.django_db

# Path arguments that name an object: any int or uuid converter, and these names whatever their converter.
ID_ARGUMENT_NAMES = ("id", "pk", "code", "token")
ID_CONVERTERS = (IntConverter, UUIDConverter)
GUARDED_PREFIXES = ("console/", "api/")

OTHER_COUNTY = "431322"  # 新化县, 娄底市: the other side of every case
OTHER_VILLAGE = "431322101201"
HOME_COUNTY = "430181"  # 浏阳市: where every actor works
HOME_VILLAGE = "430181102201"


# --- Walking the URLconf ----------------------------------------------------------------------------------------


def _walk(resolver, prefix="", namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if entry.namespace and namespace else entry.namespace or namespace
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield prefix + str(entry.pattern), name, getattr(entry.pattern, "converters", {})


def _takes_an_object_id(converters):
    return any(
        isinstance(converter, ID_CONVERTERS) or argument == "pk" or argument.endswith(("_id", *ID_ARGUMENT_NAMES))
        for argument, converter in converters.items()
    )


def routes_that_take_an_object_id():
    """{route name: route} for every console and API pattern with an object id among its path arguments."""
    return {
        name: route
        for route, name, converters in _walk(get_resolver())
        if route.startswith(GUARDED_PREFIXES) and _takes_an_object_id(converters)
    }


# --- The other county's objects -----------------------------------------------------------------------------------


@dataclass
class World:
    regions: object
    staff: object  # county staff of 浏阳市
    dispatcher: object  # dispatcher of 浏阳市
    seeker: object  # a registered worker of 浏阳市, signed in as themselves
    other_staff: object  # county staff of 新化县

    def actor(self, key):
        return {"staff": self.staff, "dispatcher": self.dispatcher, "seeker": self.seeker.user}[key]

    def other_worker(self, **kwargs):
        kwargs.setdefault("full_name", "欧阳远山")
        return WorkerFactory(home_region=self.regions.get(code=OTHER_VILLAGE), **kwargs)

    def other_employer(self):
        return EmployerFactory(
            name="新化远山实业有限公司",
            credit_code=credit_code(987654, OTHER_COUNTY),
            region_id=OTHER_COUNTY,
            county_id=OTHER_COUNTY,
        )

    def other_posting(self, **kwargs):
        kwargs.setdefault("status", "published")
        return JobPostingFactory(
            employer=self.other_employer(),
            title="新化远山岗位",
            county_id=OTHER_COUNTY,
            work_region_id=OTHER_COUNTY,
            **kwargs,
        )

    def other_reported_posting(self):
        from jobs.models import PostingReport

        posting = self.other_posting()
        PostingReport.objects.create(posting=posting, reporter=self.other_worker().user, reason="fee")
        return posting

    def other_draft_posting(self):
        return self.other_posting(status="draft", published_at=None)

    def other_trip(self, **kwargs):
        return TripFactory(origin_county_id=OTHER_COUNTY, service_number="湘K99999", **kwargs)

    def other_booking(self):
        from transport.services import booking_create

        booking, _created = booking_create(trip_id=self.other_trip().pk, worker=self.other_worker())
        return booking

    def other_application(self):
        from placement.applications.services import application_apply

        application, _created = application_apply(worker=self.other_worker(), posting_id=self.other_posting().pk)
        return application

    def other_fair(self):
        from placement.applications.models import JobFair

        return JobFair.objects.create(
            title="新化远山招聘会",
            starts_at=timezone.now() + timedelta(days=2),
            ends_at=timezone.now() + timedelta(days=2, hours=4),
            place="新化县体育馆",
            county_id=OTHER_COUNTY,
            created_by=self.other_staff,
        )

    def other_agreement(self):
        from jobs.models import CooperationAgreement

        return CooperationAgreement.objects.create(
            title="新化—宝安劳务协作",
            sending_region_id=OTHER_COUNTY,
            receiving_region_id="440306",
            signed_on=timezone.localdate(),
            term_start=timezone.localdate(),
            term_end=timezone.localdate() + timedelta(days=365),
            target_people=100,
            created_by=self.other_staff,
        )

    def other_broadcast(self):
        from core.notifications.models import Broadcast

        return Broadcast.objects.create(
            created_by=self.other_staff, region_id=OTHER_COUNTY, template="policy_notice", text="新化远山通知"
        )

    def other_ledger_import(self):
        from workers.models import LedgerImport

        return LedgerImport.objects.create(uploaded_by=self.other_staff, file_name="新化远山.xlsx", content=b"")

    def other_demand_import(self):
        from jobs.models import DemandImport

        return DemandImport.objects.create(
            uploaded_by=self.other_staff, county_id=OTHER_COUNTY, file_name="新化远山.xlsx", content=b""
        )

    def other_export(self):
        """新化县's ledger, exported and written for 新化县's staff member: a file with 欧阳远山 in it."""
        from core.exports.services import export_request, export_run
        from workers.exports import LEDGER_EXPORT

        self.other_worker()
        export, _created = export_request(
            kind=LEDGER_EXPORT,
            requested_by=self.other_staff,
            query="",
            options={},
            filters={},
            filters_shown=[],
            list_url="/console/workers/",
        )
        return export_run(export_id=export.pk)

    def other_key_group_worker(self):
        from workers.models import WorkerKeyGroup

        worker = self.other_worker()
        WorkerKeyGroup.objects.create(worker=worker, group="poverty_alleviated")
        return worker


@pytest.fixture
def world(regions):
    if not regions.filter(code=OTHER_VILLAGE).exists():
        regions_import_subdivisions(
            county_code=OTHER_COUNTY, rows=[(2, "431322101", "远山镇"), (3, OTHER_VILLAGE, "远山村")]
        )
    home = regions.get(code=HOME_COUNTY)
    return World(
        regions=regions,
        staff=UserFactory(role=Role.COUNTY_STAFF, region=home),
        dispatcher=UserFactory(role=Role.DISPATCHER, region=home),
        seeker=WorkerFactory(home_region=regions.get(code=HOME_VILLAGE)),
        other_staff=UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code=OTHER_COUNTY)),
    )


# --- The cases --------------------------------------------------------------------------------------------------


def _no_data(world, obj):
    return {}


@dataclass(frozen=True)
class Case:
    actor: str
    build: object  # World -> the other county's object
    kwargs: object  # object -> the URL's keyword arguments
    requests: tuple = (("get", _no_data),)
    api: bool = False

    def url(self, name, obj):
        return reverse(name, kwargs=self.kwargs(obj))


def pk_as(argument):
    return lambda obj: {argument: obj.pk}


GET = (("get", _no_data),)


def POST(data=_no_data):
    return (("post", data),)


def GET_AND_POST(data=_no_data):
    return (("get", _no_data), ("post", data))


def _status_data(world, worker):
    return {"status": "seeking", "effective_on": timezone.localdate().isoformat()}


def _service_data(world, worker):
    return {"kind": "guidance", "served_on": timezone.localdate().isoformat(), "notes": "越界"}


def _posting_data(world, posting):
    return {"title": "改掉", "headcount": 99, "employer": posting.employer_id}


def _fair_data(world, fair):
    return {"title": "改掉", "kind": "offline", "place": "改掉", "county": HOME_COUNTY}


CASES = {
    # Broadcasts
    "console:notifications:detail": Case("staff", World.other_broadcast, pk_as("broadcast_id")),
    "console:notifications:progress": Case("staff", World.other_broadcast, pk_as("broadcast_id")),
    "console:notifications:resend_failed": Case("staff", World.other_broadcast, pk_as("broadcast_id"), POST()),
    # The ledger
    "workers:import_detail": Case("staff", World.other_ledger_import, pk_as("import_id")),
    # Exports: only the one who asked, whatever the region; here another county's
    "exports:detail": Case("staff", World.other_export, pk_as("export_id")),
    "exports:download": Case("staff", World.other_export, pk_as("export_id")),
    "workers:detail": Case("staff", World.other_worker, pk_as("worker_id")),
    "workers:status": Case("staff", World.other_worker, pk_as("worker_id"), POST(_status_data)),
    "workers:service": Case("staff", World.other_worker, pk_as("worker_id"), POST(_service_data)),
    "workers:reveal": Case("staff", World.other_worker, pk_as("worker_id"), POST(lambda w, o: {"reason": "核对"})),
    "workers:secretary_assign": Case(
        "staff", World.other_worker, pk_as("worker_id"), POST(lambda world, o: {"secretary": world.staff.pk})
    ),
    "workers:key_group_verify": Case(
        "staff",
        World.other_key_group_worker,
        lambda worker: {"worker_id": worker.pk, "group": "poverty_alleviated"},
        POST(),
    ),
    # Demand: postings, employers, agreements, imports
    "jobs_console:posting": Case("staff", World.other_posting, pk_as("posting_id")),
    "jobs_console:posting_edit": Case("staff", World.other_posting, pk_as("posting_id"), GET_AND_POST(_posting_data)),
    "jobs_console:posting_action": Case(
        "staff", World.other_posting, lambda posting: {"posting_id": posting.pk, "action": "close"}, POST()
    ),
    "jobs_console:employer": Case("staff", World.other_employer, pk_as("employer_id")),
    "jobs_console:employer_edit": Case(
        "staff", World.other_employer, pk_as("employer_id"), GET_AND_POST(lambda w, o: {"name": "改掉"})
    ),
    "jobs_console:agreement": Case("staff", World.other_agreement, pk_as("agreement_id")),
    "jobs_console:agreement_edit": Case(
        "staff", World.other_agreement, pk_as("agreement_id"), GET_AND_POST(lambda w, o: {"title": "改掉"})
    ),
    "jobs_console:import_detail": Case("staff", World.other_demand_import, pk_as("import_id")),
    "jobs_console:report_review": Case(
        "staff", World.other_reported_posting, pk_as("posting_id"), GET_AND_POST(lambda w, o: {"decision": "close"})
    ),
    "jobs_console:import_progress": Case("staff", World.other_demand_import, pk_as("import_id")),
    # Trips
    "transport:trip": Case("dispatcher", World.other_trip, pk_as("trip_id")),
    "transport:trip_edit": Case(
        "dispatcher", World.other_trip, pk_as("trip_id"), GET_AND_POST(lambda w, o: {"capacity": 1})
    ),
    "transport:trip_book": Case(
        "dispatcher", World.other_trip, pk_as("trip_id"), POST(lambda world, o: {"phone": world.seeker.user.phone})
    ),
    "transport:manifest": Case("dispatcher", World.other_trip, pk_as("trip_id")),
    "transport:manifest_export": Case("dispatcher", World.other_trip, pk_as("trip_id"), POST()),
    "transport:boarding": Case(
        "dispatcher", World.other_trip, pk_as("trip_id"), GET_AND_POST(lambda w, o: {"query": "13800000000"})
    ),
    "transport:trip_action": Case(
        "dispatcher", World.other_trip, lambda trip: {"trip_id": trip.pk, "action": "close"}, POST()
    ),
    # Applications and fairs
    "applications_console:posting": Case("staff", World.other_posting, pk_as("posting_id")),
    "applications_console:employer": Case("staff", lambda world: world.other_posting().employer, pk_as("employer_id")),
    "applications_console:move": Case(
        "staff", World.other_application, pk_as("application_id"), POST(lambda w, o: {"state": "declined"})
    ),
    "applications_console:fair": Case(
        "staff", World.other_fair, pk_as("fair_id"), GET_AND_POST(lambda world, o: {"phone": world.seeker.user.phone})
    ),
    "applications_console:fair_edit": Case("staff", World.other_fair, pk_as("fair_id"), GET_AND_POST(_fair_data)),
    "matching_console:candidates": Case("staff", World.other_posting, pk_as("posting_id")),
    # The API: staff routes, then a job seeker's routes tried on data that is not theirs or not public
    "api:ledger-worker": Case("staff", World.other_worker, pk_as("worker_id"), api=True),
    "api:posting-detail": Case("staff", World.other_draft_posting, pk_as("posting_id"), api=True),
    "api:posting-applications": Case("seeker", World.other_draft_posting, pk_as("posting_id"), POST(), api=True),
    "api:trip-bookings": Case(
        "seeker", lambda world: world.other_trip(status="draft"), pk_as("trip_id"), POST(), api=True
    ),
    "api:booking-detail": Case("seeker", World.other_booking, pk_as("booking_id"), (("delete", _no_data),), api=True),
    "api:booking-board": Case(
        "dispatcher", World.other_booking, lambda booking: {"code": booking.code}, POST(), api=True
    ),
}


# --- Checking -----------------------------------------------------------------------------------------------------

# Tables that no request here may change. Regions are left out: loaded once, large, and never written by a page.
_SKIPPED_APPS = {"regions", "sessions", "contenttypes", "admin", "axes"}


def database_snapshot():
    """Every row of every table the portal writes, as plain values."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.app_label not in _SKIPPED_APPS and not model._meta.proxy
    }


def assert_refused(response):
    assert response.status_code in (403, 404), f"answered {response.status_code}: {response.content[:300]!r}"


def _send(client, method, url, data, *, api):
    if api:
        return getattr(client, method)(url, data, content_type="application/json")
    return getattr(client, method)(url, data)


def test_every_route_that_takes_an_object_id_has_a_cross_region_case():
    routes = routes_that_take_an_object_id()
    missing = sorted(set(routes) - set(CASES))
    assert not missing, (
        "These routes take an object id but have no cross-region case in "
        "tests/portal/test_authorization_matrix.py CASES; add one (an object of another county and the methods "
        "the route accepts) for each:\n" + "\n".join(f"  {name}: /{routes[name]}" for name in missing)
    )
    stale = sorted(set(CASES) - set(routes))
    assert not stale, f"CASES names routes that no longer take an id or no longer exist: {stale}"


@pytest.mark.urls("tests.portal.matrix_probe_urls")
def test_a_new_route_that_takes_an_id_is_reported_until_it_has_a_case():
    assert set(routes_that_take_an_object_id()) - set(CASES) == {"widget_probe"}


def test_the_walk_finds_routes_of_every_console_section_and_the_api():
    routes = routes_that_take_an_object_id()
    sections = {route.split("/")[1] if route.startswith("console/") else "api" for route in routes.values()}
    assert {"workers", "jobs", "trips", "applications", "matching", "notifications", "api"} <= sections


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_user_of_one_county_cannot_reach_another_countys_object_by_its_id(name, world, client):
    case = CASES[name]
    obj = case.build(world)
    url = case.url(name, obj)
    client.force_login(world.actor(case.actor))
    before = database_snapshot()
    for method, data in case.requests:
        response = _send(client, method, url, data(world, obj), api=case.api)
        assert_refused(response)
        assert "欧阳远山" not in response.content.decode(), f"{method.upper()} {url} named the other county's worker"
    assert database_snapshot() == before, f"{name}: a refused request changed the database"


# --- Ids in forms and query strings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormCase:
    """A request whose form field or query string carries the other county's id; `hidden` must not be shown.

    `build(world)` makes what the request needs (the other county's object among it) and returns it; `send(world,
    client, built)` makes the request.
    """

    actor: str
    build: object
    send: object
    hidden: tuple = ("欧阳远山",)


def _home_fair(world):
    from placement.applications.models import JobFair

    return JobFair.objects.create(
        title="浏阳招聘会",
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(hours=4),
        place="浏阳市人民广场",
        county_id=HOME_COUNTY,
        created_by=world.staff,
    )


FORM_CASES = {
    "recommend: worker id": FormCase(
        "staff",
        lambda world: (JobPostingFactory(), world.other_worker()),
        lambda world, client, built: client.post(
            reverse("applications_console:recommend"), {"posting": built[0].pk, "worker": built[1].pk}, follow=True
        ),
    ),
    "ledger assign: worker ids": FormCase(
        "staff",
        World.other_worker,
        lambda world, client, worker: client.post(
            reverse("workers:assign"), {"worker": [worker.pk], "secretary": world.staff.pk}, follow=True
        ),
    ),
    "postings bulk: posting ids": FormCase(
        "staff",
        World.other_posting,
        lambda world, client, posting: client.post(
            reverse("jobs_console:posting_bulk"), {"action": "close", "posting": [posting.pk]}, follow=True
        ),
        hidden=("新化远山岗位",),
    ),
    "new posting: ?copy=": FormCase(
        "staff",
        World.other_posting,
        lambda world, client, posting: client.get(reverse("jobs_console:posting_new"), {"copy": posting.pk}),
        hidden=("新化远山岗位",),
    ),
    "new posting: ?employer=": FormCase(
        "staff",
        World.other_employer,
        lambda world, client, employer: client.get(reverse("jobs_console:posting_new"), {"employer": employer.pk}),
        hidden=("新化远山实业有限公司",),
    ),
    "fair desk: phone": FormCase(
        "staff",
        lambda world: (_home_fair(world), world.other_worker()),
        lambda world, client, built: client.post(
            reverse("applications_console:fair", args=[built[0].pk]), {"phone": built[1].user.phone}, follow=True
        ),
    ),
    "trip booking for a worker: phone": FormCase(
        "dispatcher",
        lambda world: (TripFactory(origin_county_id=HOME_COUNTY, destination_region_id="440306"), world.other_worker()),
        lambda world, client, built: client.post(
            reverse("transport:trip_book", args=[built[0].pk]), {"phone": built[1].user.phone}, follow=True
        ),
    ),
    "ledger: ?secretary=": FormCase(
        "staff",
        lambda world: world.other_worker(secretary=world.other_staff),
        lambda world, client, worker: client.get(reverse("workers:ledger"), {"secretary": world.other_staff.pk}),
    ),
    "api ledger: ?secretary= and ?region=": FormCase(
        "staff",
        lambda world: world.other_worker(secretary=world.other_staff),
        lambda world, client, worker: client.get(
            reverse("api:ledger"), {"secretary": world.other_staff.pk, "region": OTHER_COUNTY}
        ),
    ),
    # Statistics: the region to read is in the query string; another county's is missing, whatever the page.
    **{
        f"statistics {name}: ?region=": FormCase(
            "staff",
            lambda world: world.other_posting(),
            lambda world, client, posting, route=route: client.get(reverse(route), {"region": OTHER_COUNTY}),
            hidden=("新化县",),
        )
        for name, route in (
            ("dashboard", "statistics:dashboard"),
            ("weekly report", "statistics:weekly"),
            ("weekly excel", "statistics:weekly_excel"),
            ("funnel", "statistics:funnel"),
            ("agents", "statistics:agents"),
            ("agents excel", "statistics:agents_excel"),
            ("api", "api:stats"),
        )
    },
}


@pytest.mark.parametrize("name", sorted(FORM_CASES))
def test_an_id_in_a_form_or_query_string_is_resolved_through_the_region_scope(name, world, client):
    case = FORM_CASES[name]
    built = case.build(world)
    client.force_login(world.actor(case.actor))
    before = database_snapshot()
    response = case.send(world, client, built)
    assert response.status_code < 500
    page = response.content.decode()
    for text in case.hidden:
        assert text not in page, f"{name}: the answer shows “{text}”, which belongs to another county"
    assert database_snapshot() == before, f"{name}: the request changed the database"
