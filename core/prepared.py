"""Prepared statements on PostgreSQL: a hot statement parsed and planned once per connection, not per call.

psycopg2 sends every statement as text with its parameters bound in, so PostgreSQL parses and plans it each time.
For a long statement run thousands of times a second (the seat booking) that is most of the database's work.
`execute_prepared` PREPAREs the statement the first time a connection runs it, under a name derived from its text,
and EXECUTEs it from then on. Parameter types are inferred by PostgreSQL from where each one is used.

Prepared statements belong to a server session: behind a pooler in transaction mode (PgBouncer's default before
1.21) a later EXECUTE may reach a session that never saw the PREPARE. Deploy with session pooling, or none, as
docker-compose.yml does.
"""

import hashlib
import re

from django.db.backends.signals import connection_created

_NAMED_PARAMETER = re.compile(r"%\((\w+)\)s")


def _forget_prepared(sender, connection, **kwargs):
    # A new server session starts with no prepared statements.
    connection.prepared_statements = {}


connection_created.connect(_forget_prepared, dispatch_uid="core.prepared.forget")


def _positional(sql):
    """`%(name)s` placeholders as `$1, $2...` (one number per distinct name) and the names in that order."""
    names = []

    def number(match):
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    return _NAMED_PARAMETER.sub(number, sql).replace("%%", "%"), names


def execute_prepared(connection, cursor, sql, params):
    """Run `sql` (pyformat, named parameters) with `params` through a statement prepared on this connection; on
    other databases (the embedded SQLite) simply run it."""
    if connection.vendor != "postgresql":
        cursor.execute(sql, params)
        return
    prepared = getattr(connection, "prepared_statements", None)
    if prepared is None:
        prepared = connection.prepared_statements = {}
    if sql not in prepared:
        statement, names = _positional(sql)
        name = "chunfeng_" + hashlib.sha1(sql.encode()).hexdigest()[:20]
        cursor.execute(f"PREPARE {name} AS {statement}")
        prepared[sql] = (name, names)
    name, names = prepared[sql]
    placeholders = ", ".join(["%s"] * len(names))
    cursor.execute(f"EXECUTE {name} ({placeholders})", [params[key] for key in names])


def model_columns(model, alias):
    """The SELECT list of all `model`'s concrete columns, in the order `model_from_row` reads them."""
    return ", ".join(f"{alias}.{field.column}" for field in model._meta.concrete_fields)


def _converters(connection, model):
    """[(position, column, converters)] for the fields whose values the ORM converts, once per backend and model."""
    key = (connection.vendor, model)
    if key not in _CONVERTERS:
        found = []
        for position, field in enumerate(model._meta.concrete_fields):
            column = field.get_col(model._meta.db_table)
            converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if converters:
                found.append((position, column, converters))
        _CONVERTERS[key] = found
    return _CONVERTERS[key]


_CONVERTERS = {}


def model_from_row(connection, model, values):
    """A `model` instance from the values of `model_columns`, converted as the ORM converts them (JSON parsed,
    SQLite's dates made aware), for a statement the ORM did not build."""
    values = list(values)
    for position, column, converters in _converters(connection, model):
        for converter in converters:
            values[position] = converter(values[position], column, connection)
    return model.from_db(connection.alias, [field.attname for field in model._meta.concrete_fields], values)
