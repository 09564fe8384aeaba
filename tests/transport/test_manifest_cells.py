"""The manifest, on the shared page and in Excel: ID numbers masked by the one rule, and no formula from what a
passenger or a dispatcher typed."""

import io
import re

import pytest
from openpyxl import load_workbook

from tests.cells import assert_no_formula
from tests.factories import PickupPointFactory
from transport.services import booking_create

pytestmark = pytest.mark.django_db

NAME = '=HYPERLINK("http://x/","x")'
PICKUP = "@SUM(A1)"
MASKED_ID_NUMBER = re.compile(r"43\*{15}[0-9X]")


def test_the_manifest_export_writes_formula_like_text_as_text(client, trip, make_worker, dispatcher):
    point = PickupPointFactory(trip=trip, name=PICKUP)
    booking_create(trip_id=trip.pk, worker=make_worker(full_name=NAME), pickup_point_id=point.pk)
    client.force_login(dispatcher)

    response = client.post(f"/console/trips/{trip.pk}/manifest.xlsx")

    assert_no_formula(response.content, written=(NAME, PICKUP))


def test_the_manifest_shows_id_numbers_by_the_masking_rule(client, trip, make_worker, dispatcher):
    worker = make_worker(full_name="欧阳春")
    booking_create(trip_id=trip.pk, worker=worker)
    client.force_login(dispatcher)

    page = client.get(f"/trips/manifest/{trip.manifest_token}/").text
    sheet = load_workbook(io.BytesIO(client.post(f"/console/trips/{trip.pk}/manifest.xlsx").content)).active
    row = next(row for row in sheet.iter_rows(values_only=True) if "欧阳春" in row)

    assert MASKED_ID_NUMBER.fullmatch(worker.id_number_masked)
    assert worker.id_number_masked in page
    assert worker.id_number_masked in row
    assert worker.id_number[:6] + "*" not in page
