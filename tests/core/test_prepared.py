import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.prepared import execute_prepared, model_columns, model_from_row
from tests.factories import TripFactory
from transport.models import Trip

# Transactional: the tests close the connection, which a test wrapped in a transaction may not do.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.twins]

SQL = "SELECT %(word)s || '%%', CAST(%(number)s AS integer) * 2, %(word)s"


def run(params):
    with CaptureQueriesContext(connection) as queries, connection.cursor() as cursor:
        execute_prepared(connection, cursor, SQL, params)
        row = cursor.fetchone()
    return row, [query["sql"].split(" ")[0] for query in queries.captured_queries]


@pytest.mark.postgresql
def test_a_statement_is_prepared_once_per_connection_and_executed_with_each_calls_parameters():
    connection.close()
    first, statements = run({"word": "普工", "number": 2})
    assert first == ("普工%", 4, "普工")
    assert statements == ["PREPARE", "EXECUTE"]

    second, statements = run({"word": "保洁", "number": 5})
    assert second == ("保洁%", 10, "保洁")
    assert statements == ["EXECUTE"]


@pytest.mark.postgresql
def test_a_new_connection_prepares_the_statement_again():
    run({"word": "厨师", "number": 1})
    connection.close()
    row, statements = run({"word": "厨师", "number": 1})
    assert row == ("厨师%", 2, "厨师")
    assert statements == ["PREPARE", "EXECUTE"]


def test_a_model_read_by_hand_is_converted_as_the_orm_converts_it(regions):
    trip = TripFactory(boarding_checks=["id_verified"])
    with connection.cursor() as cursor:
        sql = f"SELECT {model_columns(Trip, 'trip')} FROM transport_trip trip WHERE id = %(id)s"
        execute_prepared(connection, cursor, sql, {"id": trip.pk})
        read = model_from_row(connection, Trip, cursor.fetchone())
    assert read.boarding_checks == ["id_verified"]
    assert read.departs_at == trip.departs_at
    assert read.departs_at.tzinfo is not None
