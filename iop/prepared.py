"""Queries built and compiled once per process, then run with each request's values.

A page's hot queries cost more to build and compile (filters, subqueries, joins,
the SQL text) than the database takes to answer them. A ``Prepared`` query is a
function that builds a queryset with ``Param`` placeholders where the request's
values go (the reader, a client, a day). It is built once per *shape* (the
arguments of the build function, such as the reader's role, which change the
query itself), compiled once per database, and then run with values only. Rows
come back through the ORM's own iterables, so instances, ``select_related``,
annotations, ``values()`` and ``prefetch_related`` are exactly as the queryset
gives them.

A build function must not read the clock or the request: whatever it computes
becomes part of the query for the life of the process. Visibility stays where it
is: the build function starts from the same ``visible_to`` querysets, given a
``Reader`` (the user's role, with their key and the time as values)."""

import copy
import datetime
import decimal
import json
import threading

from django.core.exceptions import EmptyResultSet
from django.db import NotSupportedError, connections
from django.db.models import BigIntegerField, Expression, Model
from django.utils import timezone


class _Slot:
    """A value's place among a compiled query's parameters (``listed``: a list of
    values given as one, the way the database takes it)."""

    __slots__ = ("name", "listed")

    def __init__(self, name, listed=None):
        self.name = name
        self.listed = listed

    def __repr__(self):
        return f"<value {self.name!r}>"


class Param(Expression):
    """Where the value called ``name`` goes in a prepared query."""

    def __init__(self, name, output_field=None):
        super().__init__(output_field=output_field)
        self.name = name

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        return self

    def as_sql(self, compiler, connection):
        return "%s", [_Slot(self.name)]

    def get_group_by_cols(self):
        return []


class ParamList(Param):
    """A list of keys (integers, or rows for their keys) given as one value, for
    ``__in``: ``filter(pk__in=ParamList("ids"))``. The compiled query stays the same
    whatever the list's length (an array on PostgreSQL, JSON on SQLite)."""

    def __init__(self, name):
        super().__init__(name, output_field=BigIntegerField())

    def as_sql(self, compiler, connection):
        raise NotSupportedError(f"A list of values is written for PostgreSQL and SQLite, not {connection.vendor}.")

    def as_sqlite(self, compiler, connection):
        return "(SELECT value FROM json_each(%s))", [_Slot(self.name, listed="json")]

    def as_postgresql(self, compiler, connection):
        array = f"{self.output_field.cast_db_type(connection)}[]"
        return f"(SELECT unnest(CAST(%s AS {array})))", [_Slot(self.name, listed="array")]


class Reader(Param):
    """The user a prepared query reads for: their role shapes the query (the
    ``visible_to`` branch it takes), their key is its ``user`` value and the time
    of the request its ``reader_now`` value (what time-limited access is judged
    at). Readers of the same role are equal, so they share one compiled query."""

    ROLE_FLAGS = ("is_authenticated", "is_active", "is_superuser", "is_program_admin", "is_clinician", "is_family")

    def __init__(self, flags):
        super().__init__("user")
        self.flags = tuple(flags)
        for name, value in zip(self.ROLE_FLAGS, self.flags, strict=True):
            setattr(self, name, value)
        self.now = Param(READER_NOW)

    @classmethod
    def of(cls, user):
        return cls(tuple(bool(getattr(user, name, False)) for name in cls.ROLE_FLAGS))

    def __eq__(self, other):
        return isinstance(other, Reader) and other.flags == self.flags

    def __hash__(self):
        return hash((Reader, self.flags))


#: The value a Reader's visibility rules compare times with: the time of the run.
READER_NOW = "reader_now"


def now_of(user):
    """The time a visibility rule compares with: a placeholder while a prepared
    query is built for a ``Reader``, the current time otherwise."""
    return user.now if isinstance(user, Reader) else timezone.now()


class Prepared:
    """``build(*shape)`` -> a queryset with ``Param`` placeholders; ``run(*shape,
    **values)`` -> its rows for those values, as a list. A user in ``shape`` is
    built as a ``Reader`` and gives the ``user`` value itself."""

    def __init__(self, build):
        self.build = build
        self._compiled = {}
        self._lock = threading.Lock()

    def run(self, *shape, **values):
        key = tuple(Reader.of(part) if _is_user(part) else part for part in shape)
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:  # one build per shape, even when two requests ask at once
                compiled = self._compiled.get(key)
                if compiled is None:
                    compiled = self._compiled[key] = _Compiled(self.build(*key))
        for part in shape:
            if _is_user(part):
                if "user" in values:
                    raise TypeError("The reader gives the 'user' value; it is not passed as well.")
                values["user"] = part.pk
        return compiled.run(values)

    def first(self, *shape, **values):
        """The first row, or None: for a query of one row at most (by key), since every
        row it finds is read."""
        rows = self.run(*shape, **values)
        return rows[0] if rows else None


def _is_user(value):
    """A user (signed in or anonymous) given as part of a shape, where a Reader goes."""
    return hasattr(value, "is_authenticated") and not isinstance(value, Param)


class _Compiled:
    """One queryset compiled for each database it runs on."""

    def __init__(self, queryset):
        self.queryset = queryset
        self._by_alias = {}
        self._lock = threading.Lock()

    def run(self, values):
        alias = self.queryset.db
        compiled = self._by_alias.get(alias)
        if compiled is None:
            with self._lock:
                compiled = self._by_alias.get(alias)
                if compiled is None:
                    compiled = self._by_alias[alias] = self._compile(alias)
        query, compiler, sql, params, reads_reader_now = compiled
        if sql is None:
            return []
        connection = connections[alias]
        if reads_reader_now:
            values.setdefault(READER_NOW, timezone.now())
        bound = [_bind(p, values, connection) for p in params]
        running = copy.copy(compiler)
        running.connection = connection
        running.as_sql = lambda *args, **kwargs: (sql, bound)
        query = copy.copy(query)
        query.get_compiler = lambda *args, **kwargs: running
        state = copy.copy(self.queryset.__dict__)
        rows = type(self.queryset).__new__(type(self.queryset))
        rows.__dict__.update(state, _query=query, _result_cache=None, _prefetch_done=False)
        return list(rows)

    def _compile(self, alias):
        # Compiling adds joins to the query it compiles: a copy, so the built one stays as built.
        query = self.queryset.query.chain()
        compiler = query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return query, compiler, None, (), False
        reads_reader_now = any(isinstance(p, _Slot) and p.name == READER_NOW for p in params)
        return query, compiler, sql, tuple(params), reads_reader_now


def _bind(param, values, connection):
    if not isinstance(param, _Slot):
        return param
    try:
        value = values[param.name]
    except KeyError:
        raise TypeError(f"The prepared query needs a value for {param.name!r}.") from None
    if param.listed:
        return _keys(param.name, value, as_json=param.listed == "json")
    if isinstance(value, Model):
        value = value.pk
    ops = connection.ops
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            # The ORM would read it in the clinic's zone; a placeholder has no column to say so.
            raise ValueError(f"The prepared query's {param.name!r} is a naive datetime; give an aware one.")
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return ops.adapt_datefield_value(value)
    if isinstance(value, datetime.time):
        return ops.adapt_timefield_value(value)
    if isinstance(value, decimal.Decimal):
        return ops.adapt_decimalfield_value(value)
    return value


def _keys(name, value, *, as_json):
    """A ParamList's value: keys only. A None would match nothing in ``IN`` and,
    worse, make ``NOT IN`` match nothing; a string would be read as its characters."""
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise TypeError(f"The prepared query's {name!r} is a list of keys, not {type(value).__name__}.")
    keys = [item.pk if isinstance(item, Model) else item for item in value]
    if not all(isinstance(key, int) and not isinstance(key, bool) for key in keys):
        raise TypeError(f"The prepared query's {name!r} holds something other than keys: {keys!r}")
    return json.dumps(keys) if as_json else keys
