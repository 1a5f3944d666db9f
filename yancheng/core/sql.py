"""Hand-written SQL for the few paths taken hundreds of times a second, with rows and instances as the ORM
would read and write them.

Why: compiling an ORM query (joins, ordering, converters) costs 0.5–1.5 ms of CPU on our servers, running
it on an indexed key 30 µs (docs/benchmarks.md, "Check-in"). On the gate check-in and the API token
look-up that compiling was nine tenths of the request. Everywhere else the ORM stays: use these only where
a benchmark shows the need.

What keeps such SQL honest: column lists come from the models, values going in are prepared by the fields
(``get_db_prep_save``) and values coming out go through the same converters the ORM applies, so an
instance made here equals the one ``Model.objects.get`` would return. Tests compare the two.
"""

import functools

from django.db import connection
from django.db.models import Model


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def columns(model: type[Model], alias: str) -> str:
    """``alias."col", …`` for every concrete field of ``model``, in the order ``instance`` reads them."""
    return _columns(model, alias, connection.vendor)


@functools.cache
def _columns(model, alias, vendor):
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


def instance(model: type[Model], row, start: int = 0) -> tuple[Model | None, int]:
    """The instance of ``model`` whose columns (as listed by ``columns``) begin at ``row[start]``, and
    where the next model's columns begin. ``None`` when its primary key is NULL (an outer join's miss)."""
    attnames, pk_index = _layout(model)
    end = start + len(attnames)
    values = row[start:end]
    if values[pk_index] is None:
        return None, end
    converted = [
        _convert(value, column, converters)
        for value, (column, converters) in zip(values, _readers(model), strict=True)
    ]
    return model.from_db(connection.alias, attnames, converted), end


@functools.cache
def _layout(model: type[Model]) -> tuple[list[str], int]:
    """The attribute names ``instance`` fills, in column order, and where the primary key is among them."""
    fields = model._meta.concrete_fields
    return [field.attname for field in fields], fields.index(model._meta.pk)


def _convert(value, column, converters):
    for converter in converters:
        value = converter(value, column, connection)
    return value


def _readers(model: type[Model]) -> list:
    # Per connection (a thread's own), as the ORM's compiler does: backend converters, then the field's.
    cache = connection.__dict__.setdefault("_yancheng_readers", {})
    if model not in cache:
        readers = []
        for field in model._meta.concrete_fields:
            column = field.get_col(model._meta.db_table)
            readers.append(
                (column, connection.ops.get_db_converters(column) + column.get_db_converters(connection))
            )
        cache[model] = readers
    return cache[model]


def insert(obj: Model, *, unless_exists: tuple[str, ...] = ()) -> bool:
    """INSERT ``obj`` (new, primary key unset) and set its primary key; False, and nothing written, when
    ``unless_exists`` names a unique constraint's fields and a row with those values is already there.

    Like ``save()`` it fills ``auto_now_add`` fields and defaults; unlike it, no model signals are sent:
    for rows that are only ever added and that nothing listens to (audit entries, scans, check-ins).
    """
    fields = _written_fields(type(obj))
    params = [field.get_db_prep_save(field.pre_save(obj, add=True), connection) for field in fields]
    row = fetch_one(_insert_sql(type(obj), unless_exists, connection.vendor), params)
    if row is None:
        return False
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = connection.alias
    return True


def _written_fields(model: type[Model]) -> list:
    return [field for field in model._meta.concrete_fields if field is not model._meta.pk]


@functools.cache
def _insert_sql(model: type[Model], unless_exists: tuple[str, ...], vendor: str) -> str:
    meta, quote = model._meta, connection.ops.quote_name
    fields = _written_fields(model)
    sql = (
        f"INSERT INTO {table(model)} ({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    if unless_exists:
        targets = ", ".join(quote(meta.get_field(name).column) for name in unless_exists)
        sql += f" ON CONFLICT ({targets}) DO NOTHING"
    return sql + f" RETURNING {quote(meta.pk.column)}"


def fetch_one(sql: str, params) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def execute(sql: str, params) -> int:
    """Run one statement; the number of rows it changed."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def fetch_all(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def prep(model: type[Model], field_name: str, value):
    """A value for a WHERE clause or SET on ``field_name``, as the ORM would send it (datetimes above all:
    SQLite stores them as naive UTC text)."""
    return model._meta.get_field(field_name).get_db_prep_value(value, connection)
