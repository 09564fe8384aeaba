"""Transport also runs on SQLite, the embedded default for trying the portal out (docs/transport.md)."""

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabase

from transport.models import Booking


def _create_table_sql(database):
    with database.schema_editor(collect_sql=True, atomic=False) as editor:
        editor.create_model(Booking)
    return "\n".join(editor.collected_sql)


@pytest.mark.django_db
def test_the_overlap_rule_is_an_exclusion_constraint_on_postgresql_only():
    sqlite = SQLiteDatabase({**connection.settings_dict, "NAME": ":memory:"}, alias="sqlite_portability_check")
    try:
        on_sqlite = _create_table_sql(sqlite)
    finally:
        sqlite.close()
    on_postgresql = _create_table_sql(connection)

    assert "booking_no_overlapping_trips" in on_postgresql
    assert "EXCLUDE USING GIST" in on_postgresql
    assert "TSTZRANGE" in on_postgresql
    assert "booking_no_overlapping_trips" not in on_sqlite
    # The seat's last line of defence is a partial unique index, which SQLite has too.
    assert "booking_seat_once" in on_sqlite
