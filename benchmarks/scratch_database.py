"""Every benchmark works in a PostgreSQL database of its own, created fresh and dropped afterwards, so that the
machine's shared server is left as it was found."""

import os

import psycopg2

POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


def admin_execute(*statements):
    """Run `statements` on the server's maintenance database, each on its own (CREATE and DROP DATABASE refuse a
    transaction)."""
    connection = psycopg2.connect(f"{POSTGRES_SERVER}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    connection.close()


def create_database(name):
    """A new, empty database `name` (an older one of that name is dropped first). Returns its URL."""
    admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    return f"{POSTGRES_SERVER}/{name}"


def drop_database(name):
    admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
