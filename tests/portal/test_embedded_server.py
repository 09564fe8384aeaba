"""`make run`'s server under a burst: a county trying the portal at a small job fair, a hundred phones booking at
once, on the embedded default (SQLite, tasks in-process). Django's development server reset some of those
connections; the server `make run` starts now (gunicorn with threads, portal/gunicorn_run.py, SQLite in WAL mode
with a busy timeout) must answer every one, and give out the seats exactly.

The server runs in its own process, as `make run` runs it, on a SQLite file of its own; nothing here touches the
test database.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# The server command of the Makefile's `run` target, with a port of the test's own.
SERVER = [str(BIN / "gunicorn"), "--config", "portal/gunicorn_run.py", "portal.wsgi:application"]
PHONES = 100
SEATS = 50

# Run by `manage.py shell` on the server's database: one open 50-seat trip, 100 registered job seekers with API
# tokens (as the sign-in code check gives them). Prints the trip's id and the tokens.
SETUP = f"""
import json
from rest_framework.authtoken.models import Token
from core.regions.models import Region
from core.regions.services import regions_import_subdivisions, regions_load_divisions
from tests.factories import TripFactory, WorkerFactory

regions_load_divisions()
regions_import_subdivisions(county_code="430181", rows=[(2, "430181102", "大瑶镇"), (3, "430181102201", "大瑶村")])
trip = TripFactory(capacity={SEATS})
workers = WorkerFactory.create_batch({PHONES}, home_region=Region.objects.get(code="430181102201"))
tokens = [Token.objects.create(user=worker.user).key for worker in workers]
print(json.dumps({{"trip": trip.pk, "tokens": tokens}}))
"""

SEATS_TAKEN = """
from transport.models import Booking, Trip
trip = Trip.objects.get()
bookings = Booking.objects.filter(trip=trip)
print(trip.taken, bookings.filter(status="confirmed").count(), bookings.filter(status="waitlisted").count())
"""


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def embedded_environment(tmp_path):
    """The environment of `make run` with nothing configured, but a database file of the test's own."""
    environment = {
        key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL", "PII_KEY"}
    }
    environment.update(DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}", LOG_LEVEL="WARNING")
    return environment


def _manage(environment, *arguments, stdin=None):
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR,
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _last_line(output):
    """What a `manage.py shell` script printed last (the shell prints its automatic imports first)."""
    return output.strip().splitlines()[-1]


@pytest.fixture
def embedded_server(embedded_environment):
    """`make run`'s server on a fresh SQLite database with a trip and 100 job seekers: (port, trip id, tokens)."""
    _manage(embedded_environment, "migrate", "--noinput")
    prepared = json.loads(_last_line(_manage(embedded_environment, "shell", stdin=SETUP)))
    port = _free_port()
    server = subprocess.Popen(
        [*SERVER, "--bind", f"127.0.0.1:{port}"],
        cwd=BASE_DIR,
        env=embedded_environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_until_serving(port, server)
        yield port, prepared["trip"], prepared["tokens"]
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_serving(port, server):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, f"the server stopped: {server.stderr.read()}"
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail("the server did not answer /healthz within a minute")


def _book(port, trip_id, token, start, answers):
    start.wait()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request(
            "POST",
            f"/api/v1/trips/{trip_id}/bookings/",
            body="{}",
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        response = connection.getresponse()
        answers.append((response.status, json.loads(response.read())))
    except OSError as error:  # a reset or refused connection: the request was lost
        answers.append((None, repr(error)))


def test_a_hundred_phones_booking_at_once_all_get_an_answer_and_the_seats_are_right(
    embedded_server, embedded_environment
):
    port, trip_id, tokens = embedded_server
    start = threading.Barrier(PHONES)
    answers = []
    phones = [threading.Thread(target=_book, args=(port, trip_id, token, start, answers)) for token in tokens]
    for phone in phones:
        phone.start()
    for phone in phones:
        phone.join()

    lost = [answer for status, answer in answers if status is None]
    assert lost == []
    assert sorted(status for status, _booking in answers) == [201] * PHONES
    confirmed = [booking for _status, booking in answers if booking["status"] == "confirmed"]
    waitlisted = [booking for _status, booking in answers if booking["status"] == "waitlisted"]
    assert sorted(booking["seat_number"] for booking in confirmed) == list(range(1, SEATS + 1))
    assert sorted(booking["waitlist_position"] for booking in waitlisted) == list(range(1, PHONES - SEATS + 1))
    in_the_database = _last_line(_manage(embedded_environment, "shell", stdin=SEATS_TAKEN))
    assert in_the_database == f"{SEATS} {SEATS} {PHONES - SEATS}"  # seats taken, confirmed, waitlisted
