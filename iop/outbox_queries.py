"""The three queries of every delivery (the message with its recipient, the
claim, the sent marker), written once per process from the models' own table
and column names.

A reminder worker runs these same three shapes for every message, and building
an ORM query costs several times what the database then takes to run it. The
statements are the ones the ORM writes for the same filters; values are still
adapted, and results converted, by the model fields themselves, so what is
stored and read is exactly what the ORM would store and read. Rarer paths
(skips, quiet hours, failures) use the ORM."""

import weakref

from django.db import connections, router, transaction

from .models import OutboxMessage, User
from .statements import statement

Status = OutboxMessage.Status

# Converters are bound to one connection (a worker thread has its own), so they
# are kept per connection; the SQL itself is kept by iop.statements.
_converters = weakref.WeakKeyDictionary()


def _connection():
    return connections[router.db_for_write(OutboxMessage)]


def _column(quote, model, name):
    return f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(name).column)}"


# --- The message with its recipient -------------------------------------------------------


def _select_sql(quote):
    message, person = OutboxMessage._meta, User._meta
    columns = [f"{quote(message.db_table)}.{quote(f.column)}" for f in message.concrete_fields]
    columns += [f"{quote(person.db_table)}.{quote(f.column)}" for f in person.concrete_fields]
    return (
        f"SELECT {', '.join(columns)} FROM {quote(message.db_table)}"
        f" LEFT OUTER JOIN {quote(person.db_table)}"
        f" ON ({_column(quote, OutboxMessage, 'recipient')} = {_column(quote, User, 'id')})"
        f" WHERE {_column(quote, OutboxMessage, 'id')} = %s"
    )


def _row_converters(connection):
    """For each selected column: (column expression, the converters the ORM would apply)."""
    if connection not in _converters:
        columns = [field.get_col(OutboxMessage._meta.db_table) for field in OutboxMessage._meta.concrete_fields]
        columns += [field.get_col(User._meta.db_table) for field in User._meta.concrete_fields]
        _converters[connection] = [
            (column, connection.ops.get_db_converters(column) + column.get_db_converters(connection))
            for column in columns
        ]
    return _converters[connection]


def _attnames(model):
    return [field.attname for field in model._meta.concrete_fields]


def load(message_id):
    """The message with its recipient (None without one), or None if there is no such message."""
    connection = _connection()
    with connection.cursor() as cursor:
        cursor.execute(statement(connection, "outbox load", _select_sql), [message_id])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for value, (column, converters) in zip(row, _row_converters(connection), strict=True):
        for converter in converters:
            value = converter(value, column, connection)
        values.append(value)
    split = len(OutboxMessage._meta.concrete_fields)
    message = OutboxMessage.from_db(connection.alias, _attnames(OutboxMessage), values[:split])
    person = None
    if message.recipient_id is not None:
        person = User.from_db(connection.alias, _attnames(User), values[split:])
    OutboxMessage._meta.get_field("recipient").set_cached_value(message, person)
    return message


# --- The claim and the sent marker --------------------------------------------------------


def _update(name, assignments, conditions):
    """``UPDATE ... SET <assignments> WHERE <conditions>``; returns the number of rows changed.

    ``assignments``: (field name, value) pairs; ``conditions``: (field name, operator, value)."""
    connection = _connection()

    def build(quote):
        table = quote(OutboxMessage._meta.db_table)
        sets = ", ".join(f"{quote(OutboxMessage._meta.get_field(f).column)} = %s" for f, _value in assignments)
        wheres = " AND ".join(f"{_column(quote, OutboxMessage, f)} {op} %s" for f, op, _value in conditions)
        return f"UPDATE {table} SET {sets} WHERE ({wheres})"

    field = OutboxMessage._meta.get_field
    params = [field(name).get_db_prep_save(value, connection) for name, value in assignments]
    params += [field(name).get_db_prep_value(value, connection) for name, _op, value in conditions]
    # As QuerySet.update(): an error inside a transaction marks it for rollback.
    with transaction.mark_for_rollback_on_error(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(statement(connection, f"outbox {name}", build), params)
        return cursor.rowcount


def claim(message, now, due_by, channel, address):
    """Pending -> sending, only if the message is still pending, due by ``due_by``
    and has the attempts this worker read. True if this worker won the claim."""
    assignments = [
        ("status", Status.SENDING),
        ("claimed_at", now),
        ("attempts", message.attempts + 1),
        ("channel", channel),
        ("to_address", address),
    ]
    conditions = [
        ("id", "=", message.pk),
        ("status", "=", Status.PENDING),
        ("due_at", "<=", due_by),
        ("attempts", "=", message.attempts),
    ]
    return _update("claim", assignments, conditions) == 1


def mark_sent(message, sent_at, provider_id):
    """Sending -> sent, only while the claim this worker made still stands."""
    assignments = [("status", Status.SENT), ("sent_at", sent_at), ("provider_id", provider_id)]
    conditions = [("id", "=", message.pk), ("status", "=", Status.SENDING), ("claimed_at", "=", message.claimed_at)]
    return _update("mark_sent", assignments, conditions) == 1
