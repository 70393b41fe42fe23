"""Model instances from hand-written SQL, for the few reads on the hot path.

The ORM spends about 1 ms of CPU building the SQL of a query with joins, more than PostgreSQL takes to
answer it (docs/performance.md). The case detail, the case lists and the API token lookup run on
every request, so their SQL is written once here, and the rows become ordinary model instances:
the fields get the same database converters the ORM applies (JSON, dates on SQLite), and joined
rows are attached as if by `select_related`. Everything else keeps using the ORM.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Field, Model


@cache
def _fields(model: type[Model]):
    return tuple(model._meta.concrete_fields)


def columns(model: type[Model], alias: str) -> str:
    """The SELECT list of all of a model's columns from table alias `alias`, in field order."""
    return ", ".join(f'{alias}."{field.column}"' for field in _fields(model))


def _converters_of(fields) -> tuple:
    """(position, column, converter functions) of each field that has any, the ORM's own converters."""
    found = []
    for position, field in enumerate(fields):
        column = field.get_col(field.model._meta.db_table)
        functions = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if functions:
            found.append((position, column, functions))
    return tuple(found)


def _convert(values: list, converters: tuple) -> list:
    for position, column, functions in converters:
        for function in functions:
            values[position] = function(values[position], column, connection)
    return values


@cache
def _converters(model: type[Model], vendor: str):
    return _converters_of(_fields(model))


def _instance(model: type[Model], values: list):
    _convert(values, _converters(model, connection.vendor))
    return model.from_db(connection.alias, _attnames(model), values)


@cache
def _attnames(model: type[Model]) -> list[str]:
    return [field.attname for field in _fields(model)]


@cache
def _primary_key_position(model: type[Model]) -> int:
    return [field.primary_key for field in _fields(model)].index(True)


def fetch(sql: str, params, *models: type[Model]) -> list[tuple]:
    """Runs SQL whose SELECT list is `columns(m, …)` of each model in turn and returns one tuple of
    instances per row. A left-joined model whose row is missing comes back as None."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return instances(*models)(cursor.fetchall())


def fetch_together(*queries: tuple[str, list, Callable[[list[tuple]], Any] | None]) -> list:
    """Several queries, each given as (sql, params, reader), answered in order: each reader (`instances`,
    `values`, or any function of the rows) makes its query's answer of the rows; None for a statement
    that returns none (a write), whose answer is None.
    On PostgreSQL they go as one message and come back as one answer with a result per statement: on
    this kind of machine every round trip's system calls cost more than the small queries themselves.
    Elsewhere (SQLite runs one statement per call) one after another."""
    if connection.vendor != "postgresql":
        found = []
        for sql, params, reader in queries:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                found.append(reader(cursor.fetchall()) if reader else None)
        return found
    found = []
    with connection.cursor() as cursor:
        # Django's psycopg cursors bind parameters on the client, which allows several statements.
        params = [value for _, values, _ in queries for value in values]
        cursor.execute("; ".join(sql for sql, _, _ in queries), params)
        for position, (_, _, reader) in enumerate(queries):
            if position:
                cursor.nextset()
            found.append(reader(cursor.fetchall()) if reader else None)
    return found


def instances(*models: type[Model]) -> Callable[[list[tuple]], list[tuple]]:
    """A reader of rows whose SELECT list is `columns(m, …)` of each model in turn (see `fetch`)."""

    def read(rows: list[tuple]) -> list[tuple]:
        found = []
        for row in rows:
            made, start = [], 0
            for model in models:
                width = len(_fields(model))
                values = list(row[start : start + width])
                start += width
                missing = values[_primary_key_position(model)] is None
                made.append(None if missing else _instance(model, values))
            found.append(tuple(made))
        return found

    return read


def values(fields: dict[str, Field]) -> Callable[[list[tuple]], list[dict]]:
    """A reader of rows whose SELECT list has a column of each field in turn, into dicts by the given
    names, each value converted as the ORM's `values()` would."""
    names, converters = list(fields), _converters_of(fields.values())

    def read(rows: list[tuple]) -> list[dict]:
        return [dict(zip(names, _convert(list(row), converters), strict=True)) for row in rows]

    return read


def fetch_one(sql: str, params, *models: type[Model]) -> tuple | None:
    found = fetch(sql, params, *models)
    return found[0] if found else None


def attach(instance: Model, field_name: str, related: Model | None) -> None:
    """Sets a foreign key's cached object, as select_related would."""
    instance._meta.get_field(field_name).set_cached_value(instance, related)


def prefetched(instance: Model, name: str, related: list[Model]) -> None:
    """Makes `instance.<name>.all()` answer `related` without a query, as prefetch_related would."""
    queryset = getattr(instance, name).get_queryset()  # builds the query, does not run it
    queryset._result_cache, queryset._prefetch_done = related, True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset


def insert_parts(instance: Model, skip: frozenset[str] = frozenset()) -> tuple[str, str, list]:
    """The column list, placeholders and values with which `save()` would insert a new `instance` (its
    primary key and the fields named in `skip` left out), for an INSERT … SELECT written by hand. Each
    placeholder is cast to its column's type, so values typed by the driver as text still fit."""
    fields, names, placeholders = _insert_columns(type(instance), skip, connection.vendor)
    values = [f.get_db_prep_save(f.pre_save(instance, add=True), connection) for f in fields]
    return names, placeholders, values


@cache
def _insert_columns(model: type[Model], skip: frozenset[str], vendor: str) -> tuple[list, str, str]:
    fields = [f for f in _fields(model) if not f.primary_key and f.name not in skip]
    # varchar(n) without its length: a cast would cut a long value short where the insert rejects it.
    casts = [re.sub(r"^varchar\(\d+\)$", "varchar", f.db_type(connection)) for f in fields]
    return (
        fields,
        ", ".join(f'"{f.column}"' for f in fields),
        ", ".join(f"%s::{cast}" for cast in casts),
    )


def saved(instance: Model, pk) -> None:
    """Marks an instance written by hand-made SQL as saved, with its new primary key."""
    instance.pk = pk
    instance._state.adding, instance._state.db = False, connection.alias
