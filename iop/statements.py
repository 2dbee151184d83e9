"""SQL written once per process for the few hot statements the ORM would rebuild on
every use (the reminder delivery's, the audit chain's append). The text depends only
on the database's quoting, so it is kept per vendor and statement name."""

_written = {}


def statement(connection, name, build):
    """The SQL called ``name`` for ``connection``'s database, built by
    ``build(quote_name)`` the first time it is asked for."""
    key = (connection.vendor, name)
    if key not in _written:
        _written[key] = build(connection.ops.quote_name)
    return _written[key]
