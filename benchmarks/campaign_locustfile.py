"""The simulated visitors of a campaign morning, for benchmarks/campaign_peak.py (which starts Locust with this file
and writes the plan it reads: CAMPAIGN_PLAN, a JSON file of posting ids, trips, tokens and the staff login).

Each visitor does one thing after another, a second or three apart, in the issue's proportions:
  70  browse and search: a query of the mix (words, a county, a wage, an occupation, benefits, or nothing), page 1,
      then half of them page 2 and half of those page 3 (following the page's own "next" link)
  10  a posting's page
   5  sign in by SMS code (the code read from the fake provider's record, as from the phone) and register
   5  apply to a posting and look at one's applications (a registered job seeker's API token)
   5  the booking rush: before the trips open, the trip's page; from the opening, a seat booked through the API by
      the next of the step's bookers (each books once), then the trip's page again once they are all used
and 5% of the users are county clerks at the console (signed in once with a password): the postings list, the
ledger, the trips, and the postings and ledger exports (the POST, the export's page until the worker has written
the file, and its download).

Request names are the kinds the report groups by. Failures are anything but the expected answer: a booking
answered confirmed or waitlisted is a success, an application made before (200) too.
"""

import itertools
import json
import os
import random
import re
import time
from datetime import date, timedelta
from pathlib import Path

from locust import FastHttpUser, between, events, task

PLAN = json.loads(Path(os.environ["CAMPAIGN_PLAN"]).read_text()) if os.environ.get("CAMPAIGN_PLAN") else None
# benchmarks/search.py's query mix: everyday words, one character, pinyin, a place and a wage read out of the words.
WORDS = ["普工", "保洁", "电子厂", "采茶", "包吃包住", "月嫂", "厨", "做饭", "pugong", "新化 保洁"]
WORDS += ["东莞 普工 包吃包住 5000以上"]
OCCUPATIONS = ["general_worker", "electronics", "construction", "cleaning", "security", "driver"]
NEXT_LINK = re.compile(r'href="\?([^"]*cursor=[^"]*)" rel="next"')
# An export's page (where the export's POST redirects), polled as its meta refresh does until the file is ready;
# the wait is long because the export queues on the `imports` worker behind the step's 10,000-row import.
EXPORT_PAGE = re.compile(r"/console/exports/\d+/")
EXPORT_POLL_SECONDS = 3
EXPORT_WAIT_SECONDS = int(os.environ.get("CAMPAIGN_EXPORT_WAIT_SECONDS", "300"))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Shared by the visitors of this Locust process: each booker and each new phone number is used once.
_bookers = iter(PLAN["bookers"]) if PLAN else iter(())
_phones = itertools.count()


def search_query():
    """One visitor's search: words or none, and sometimes a filter, as the job list's form sends them."""
    query = {}
    if random.random() < 0.75:
        query["q"] = random.choice(WORDS)
    chance = random.random()
    if chance < 0.2:
        query["region"] = random.choice(PLAN["counties"])
    elif chance < 0.35:
        query["wage_min"] = random.choice([4000, 5000, 6000, 8000])
    elif chance < 0.45:
        query["occupation"] = random.choice(OCCUPATIONS)
    elif chance < 0.5:
        query["benefits"] = "provides_housing"
    return query


def id_number(serial, step):
    """A valid, unique 18-digit ID number (GB 11643) for the serial-th registration of the step."""
    born = date(1966, 1, 1) + timedelta(days=serial % 14_600)
    body = f"430181{born:%Y%m%d}{(serial // 14_600) * 10 + step:03d}"
    weights = [2 ** (17 - index) % 11 for index in range(17)]
    check = (12 - sum(int(digit) * weight for digit, weight in zip(body, weights, strict=True)) % 11) % 11
    return body + ("X" if check == 10 else str(check))


class Visitor(FastHttpUser):
    """A job seeker's phone (no session cookie is kept between its API calls, which carry a token)."""

    weight = 95
    wait_time = between(1, 3)

    @task(70)
    def browse_and_search(self):
        if random.random() < 0.1:
            self.client.get("/", name="home page")
            return
        path = "/jobs/"
        for page in (1, 2, 3):
            with self.client.get(
                path, params=search_query() if page == 1 else None, name=f"search page {page}", catch_response=True
            ) as response:
                found = NEXT_LINK.search(response.text or "")
                if response.status_code != 200:
                    response.failure(f"status {response.status_code}")
                    return
            if not found or random.random() < 0.5:
                return
            path = "/jobs/?" + found.group(1).replace("&amp;", "&")

    @task(10)
    def posting_page(self):
        self.client.get(f"/jobs/{random.choice(PLAN['postings'])}/", name="posting page")

    @task(5)
    def sign_in_and_register(self):
        serial = next(_phones)
        phone = f"19{PLAN['step']}{serial:08d}"
        response = self.client.post("/api/v1/auth/code/", json={"phone": phone}, name="sign-in: ask for a code")
        if response.status_code != 202:
            return
        code = self.read_code(phone)
        if not code:
            return
        check = {"phone": phone, "code": code}
        with self.client.post(
            "/api/v1/auth/token/", json=check, name="sign-in: check the code", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}: {response.text[:200]}")
                return
            token = response.json()["token"]
        self.client.post(
            "/api/v1/me/register/",
            json={
                "full_name": "春风",
                "home_region": PLAN["village"],
                "id_number": id_number(serial, PLAN["step"]),
                "status": "returned",
                "consent": True,
            },
            headers={"Authorization": f"Token {token}"},
            name="registration",
        )

    def read_code(self, phone):
        """The code from the phone's inbox; the wait from asking to having it is reported as its own kind."""
        started = time.perf_counter()
        while time.perf_counter() - started < 30:
            answer = self.inbox_code(phone)
            if answer:
                events.request.fire(
                    request_type="SMS",
                    name="sign-in: the code arrives by SMS",
                    response_time=(time.perf_counter() - started) * 1000,
                    response_length=0,
                    exception=None,
                    context={},
                )
                return answer
            time.sleep(0.25)
        events.request.fire(
            request_type="SMS",
            name="sign-in: the code arrives by SMS",
            response_time=30_000,
            response_length=0,
            exception=TimeoutError("no code within 30 s"),
            context={},
        )
        return None

    def inbox_code(self, phone):
        from urllib.request import urlopen

        try:
            with urlopen(f"{PLAN['inbox']}?phone={phone}", timeout=5) as answer:
                return answer.read().decode()
        except OSError:
            return None

    @task(5)
    def apply(self):
        token = {"Authorization": f"Token {random.choice(PLAN['applicants'])}"}
        with self.client.post(
            f"/api/v1/postings/{random.choice(PLAN['postings'])}/applications/",
            headers=token,
            name="application",
            catch_response=True,
        ) as response:
            # 400 with a reason is the portal's answer for a posting that filled up meanwhile: not an error.
            if response.status_code in (200, 201) or (response.status_code == 400 and "code" in (response.text or "")):
                response.success()
        self.client.get("/api/v1/me/applications/", headers=token, name="my applications")

    @task(5)
    def booking_rush(self):
        trip = random.choice(PLAN["trips"])
        booker = next(_bookers, None) if time.time() >= trip["opens_at"] else None
        if booker is None:
            self.client.get(f"/trips/{trip['id']}/", name="trip page")
            return
        with self.client.post(
            f"/api/v1/trips/{trip['id']}/bookings/",
            json={},
            headers={"Authorization": f"Token {booker}", "Idempotency-Key": f"rush-{PLAN['step']}-{booker}"},
            name="booking",
            catch_response=True,
        ) as response:
            if response.status_code in (200, 201) and response.json().get("status") in ("confirmed", "waitlisted"):
                response.success()
            else:
                response.failure(f"status {response.status_code}: {(response.text or '')[:200]}")


class CountyClerk(FastHttpUser):
    """A county staff member at the console, signed in once with a password (a session cookie, not a token)."""

    weight = 5
    wait_time = between(1, 3)

    pages = None  # in the tests' smoke run: every page in turn

    def on_start(self):
        self.sign_in_staff()

    @task
    def console(self):
        page = next(self.pages) if self.pages else random.choices(CONSOLE_PAGES, [30, 25, 25, 10, 10])[0]
        page(self)

    def postings_list(self):
        self.client.get("/console/jobs/", name="console: postings list")

    def ledger(self):
        self.client.get("/console/workers/", name="console: ledger")

    def trips(self):
        self.client.get("/console/trips/", name="console: trips")

    def postings_export(self):
        self.export("/console/jobs/export/postings.xlsx", "/console/jobs/", name="console: postings export")

    def ledger_export(self):
        self.export("/console/workers/export/", "/console/workers/", name="console: ledger export")

    def export(self, path, page, *, name):
        """An export as a clerk makes it: the POST from its list page records it and answers at once with the
        export's page (a redirect); that page is looked at again, as its refresh does, until the `imports` worker
        has written the file; then the file is downloaded. A failed export, or none within EXPORT_WAIT_SECONDS, is
        a failure."""
        with self.client.post(
            path,
            data={"csrfmiddlewaretoken": self.csrf_token()},
            headers={"Referer": self.host + page},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location") or ""
            if response.status_code != 302 or not EXPORT_PAGE.search(location):
                response.failure(f"status {response.status_code}, to {location!r}: not the export's page")
                return
            response.success()
        export_page = EXPORT_PAGE.search(location).group(0)
        deadline = time.monotonic() + EXPORT_WAIT_SECONDS
        while True:
            with self.client.get(export_page, name="console: export page", catch_response=True) as response:
                text = response.text or ""
                if response.status_code != 200 or "import-status--failed" in text:
                    response.failure(f"status {response.status_code}: the export failed or is gone")
                    return
                if "import-status--ready" in text:
                    break
                if time.monotonic() > deadline:
                    response.failure(f"the file was not ready within {EXPORT_WAIT_SECONDS} s")
                    return
            time.sleep(EXPORT_POLL_SECONDS)
        with self.client.get(
            f"{export_page}download/", name="console: export download", catch_response=True
        ) as response:
            if response.status_code != 200 or not response.headers.get("Content-Type", "").startswith(XLSX):
                response.failure(f"status {response.status_code}: not the workbook")

    def csrf_token(self):
        return next((cookie.value for cookie in self.client.cookiejar if cookie.name == "csrftoken"), "")

    def sign_in_staff(self):
        self.client.get("/accounts/login/", name="console: sign-in page")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": PLAN["staff"]["username"],
                "password": PLAN["staff"]["password"],
                "csrfmiddlewaretoken": self.csrf_token(),
            },
            headers={"Referer": self.host + "/accounts/login/"},
            name="console: sign in",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "/accounts/login/" in response.url:
                response.failure(f"sign-in refused: status {response.status_code} at {response.url}")


CONSOLE_PAGES = [
    CountyClerk.postings_list,
    CountyClerk.ledger,
    CountyClerk.trips,
    CountyClerk.postings_export,
    CountyClerk.ledger_export,
]

if PLAN and PLAN.get("smoke"):
    # tests/benchmarks: every kind of visit equally likely and little thought between them, so that a short run
    # against the test's live server makes each kind of request.
    Visitor.tasks = [
        Visitor.browse_and_search,
        Visitor.posting_page,
        Visitor.sign_in_and_register,
        Visitor.apply,
        Visitor.booking_rush,
    ]
    Visitor.wait_time = CountyClerk.wait_time = between(0.1, 0.3)
    CountyClerk.fixed_count = 1
    CountyClerk.pages = itertools.cycle(CONSOLE_PAGES)
