"""Appending to the audit chain: lock the head, link the new entries after it,
insert them and move the head on, in one transaction.

Every audited page does this, so on PostgreSQL it is written once per process
from the models' own table and column names instead of being built by the ORM
on each request: one statement reads and locks the head, one inserts the
entries and moves the head (a data-modifying WITH), then the commit. Values are
still prepared by the model fields themselves, exactly as the ORM's insert
prepares them. Other databases (SQLite in development) take the ORM's path,
where the write transaction itself serialises appends."""

from functools import partial

from django.db import connections, router, transaction

from .statements import statement

#: Entries per insert statement: well under PostgreSQL's 65535 parameters per statement.
BATCH = 500


def append(entries):
    """Link ``entries`` (prepared, not yet saved) after the chain's head and store them."""
    from .models import AuditEntry

    connection = connections[router.db_for_write(AuditEntry)]
    with transaction.atomic(using=connection.alias):
        if connection.vendor == "postgresql":
            _append_postgresql(connection, entries)
        else:
            _append_orm(connection, entries)
    return entries


def _append_orm(connection, entries):
    from .models import AuditChainHead, AuditEntry

    heads = AuditChainHead.objects.using(connection.alias)
    head = heads.select_for_update().get_or_create(pk=1)[0]
    for entry in entries:
        entry._link(head)
    AuditEntry.objects.using(connection.alias).bulk_create(entries)
    heads.filter(pk=1).update(last_hash=head.last_hash, last_timestamp=head.last_timestamp)


def _append_postgresql(connection, entries):
    from .models import AuditChainHead

    with connection.cursor() as cursor:
        cursor.execute(statement(connection, "audit lock head", _lock_sql))
        row = cursor.fetchone()
    if row is None:  # a new database: the head is made once, then locked as usual
        head = AuditChainHead.objects.using(connection.alias).select_for_update().get_or_create(pk=1)[0]
    else:
        head = AuditChainHead(pk=1, last_hash=row[0], last_timestamp=row[1])
    for start in range(0, len(entries), BATCH):
        _insert(connection, head, entries[start : start + BATCH])


def _insert(connection, head, entries):
    """Link ``entries`` after ``head``, then insert them and move the head in one statement."""
    from .models import AuditChainHead

    for entry in entries:
        entry._link(head)
    fields = _insert_fields()
    params = [
        AuditChainHead._meta.get_field("last_hash").get_db_prep_save(head.last_hash, connection),
        AuditChainHead._meta.get_field("last_timestamp").get_db_prep_save(head.last_timestamp, connection),
    ]
    for entry in entries:
        params += [field.get_db_prep_save(field.pre_save(entry, True), connection) for field in fields]
    with connection.cursor() as cursor:
        count = len(entries)
        cursor.execute(statement(connection, f"audit insert {count}", partial(_insert_sql, count=count)), params)
        ids = [pk for (pk,) in cursor.fetchall()]
    for entry, pk in zip(entries, ids, strict=True):
        entry.pk = pk
        entry._state.adding = False
        entry._state.db = connection.alias


def _insert_fields():
    from .models import AuditEntry

    return [field for field in AuditEntry._meta.concrete_fields if not field.primary_key]


def _lock_sql(quote):
    from .models import AuditChainHead

    meta = AuditChainHead._meta
    hash_column, time_column = (quote(meta.get_field(name).column) for name in ("last_hash", "last_timestamp"))
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    return f"SELECT {hash_column}, {time_column} FROM {table} WHERE {pk} = 1 FOR UPDATE"


def _insert_sql(quote, count):
    """Move the head and insert ``count`` entries, returning their ids in order.
    Parameters: the head's new hash and time, then each entry's values."""
    from .models import AuditChainHead, AuditEntry

    head, entry = AuditChainHead._meta, AuditEntry._meta
    hash_column, time_column = (quote(head.get_field(name).column) for name in ("last_hash", "last_timestamp"))
    columns = ", ".join(quote(field.column) for field in _insert_fields())
    row = "(" + ", ".join(["%s"] * len(_insert_fields())) + ")"
    pk = quote(entry.pk.column)
    return (
        f"WITH moved AS (UPDATE {quote(head.db_table)} SET {hash_column} = %s, {time_column} = %s"
        f" WHERE {quote(head.pk.column)} = 1),"
        f" added AS (INSERT INTO {quote(entry.db_table)} ({columns}) VALUES {', '.join([row] * count)} RETURNING {pk})"
        f" SELECT {pk} FROM added ORDER BY {pk}"
    )
