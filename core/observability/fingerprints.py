"""What a backup is checked against: each table's row count and an order-free checksum of its rows.

The checksum adds up the first 60 bits of the MD5 of each row's text, so it needs one pass and constant memory
whatever the table's size, and does not depend on the order rows come back in. The row's text is PostgreSQL's own
(`row::text`) under fixed session settings, the same in the source and in a restored copy.
"""

from psycopg2 import sql

# The settings under which a row's text is the same on both sides, whatever each server's defaults.
_SESSION = "SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'; SET extra_float_digits = 1"


def public_tables(cursor):
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [name for (name,) in cursor.fetchall()]


def table_fingerprints(cursor, tables=None):
    """{table: {"rows": n, "checksum": "…"}} for `tables` (default: every table of the public schema), read in the
    cursor's transaction: inside the backup's snapshot, every figure describes the same moment as the dump."""
    cursor.execute(_SESSION)
    fingerprints = {}
    for table in tables if tables is not None else public_tables(cursor):
        cursor.execute(
            sql.SQL(
                "SELECT count(*), coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint), 0)::text"
                " FROM {} AS t"
            ).format(sql.Identifier(table))
        )
        rows, checksum = cursor.fetchone()
        fingerprints[table] = {"rows": rows, "checksum": checksum}
    return fingerprints


def fingerprint_differences(expected, found):
    """Human-readable lines for every table whose count or checksum differs, or that is missing or extra."""
    differences = []
    for table in sorted(set(expected) | set(found)):
        if table not in found:
            differences.append(f"{table}: missing from the restored copy")
        elif table not in expected:
            differences.append(f"{table}: in the restored copy but not in the backup's manifest")
        elif expected[table]["rows"] != found[table]["rows"]:
            differences.append(f"{table}: {expected[table]['rows']} rows at backup, {found[table]['rows']} restored")
        elif expected[table]["checksum"] != found[table]["checksum"]:
            differences.append(f"{table}: same {found[table]['rows']} rows but their contents differ (checksum)")
    return differences
