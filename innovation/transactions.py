"""A request that only read ends its transaction with COMMIT, so the driver keeps its prepared statements.

psycopg 3 prepares a statement on the server once it has run it ``prepare_threshold`` times (5) on a
connection, and PostgreSQL then skips planning it; but psycopg forgets every prepared statement on
ROLLBACK (a rollback may undo the DDL they depend on). Flask-SQLAlchemy ends every request's session
with a rollback, so nothing was ever prepared and every statement was planned on every view: the
score page's seven-table statement took 4.0 ms planned each time and 1.8 ms prepared
(docs/PERFORMANCE.md).

For a transaction that wrote nothing, COMMIT and ROLLBACK are the same. Whether it wrote is decided
on the connection, below the ORM: any statement that is not a ``SELECT`` (INSERT, UPDATE,
DELETE, DDL, SAVEPOINT, a ``WITH`` query, ...) marks the connection's transaction as written, and a
session with changes not yet flushed counts as written too. Such a request ends as it always did:
Flask-SQLAlchemy's teardown rolls it back (a view commits its own changes, once, when it succeeds).
"""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, SessionTransaction

from innovation.extensions import db

_WROTE = "innovation_wrote"
_CONNECTION = "innovation_connection"


READING = ("SELECT", "BEGIN")  # BEGIN: SQLite's, when SQLAlchemy drives its transactions (the tests do)


def _mark_writes(conn: Connection, cursor, statement: str, parameters, context, executemany: bool) -> None:
    if conn.info.get(_WROTE) is False and (executemany or not statement.lstrip()[:6].upper().startswith(READING)):
        conn.info[_WROTE] = True


def _begin(conn: Connection) -> None:
    conn.info[_WROTE] = False  # a new transaction: nothing written yet


def _end(conn: Connection) -> None:
    conn.info.pop(_WROTE, None)  # between transactions: unknown, which counts as written


def _remember_connection(session: Session, transaction: SessionTransaction, connection: Connection) -> None:
    session.info[_CONNECTION] = connection


def _forget_connection(session: Session, *args) -> None:
    session.info.pop(_CONNECTION, None)


def only_read(session: Session) -> bool:
    """The session's transaction has run statements and none of them wrote, nor is anything pending."""
    connection = session.info.get(_CONNECTION)
    if connection is None or connection.closed or not session.is_active:
        return False
    if session.new or session.dirty or session.deleted:
        return False
    return not connection.info.get(_WROTE, True)


def end_read_only_transaction(exc: BaseException | None) -> None:
    """Teardown: COMMIT a transaction that only read (before Flask-SQLAlchemy's rollback)."""
    if not db.session.registry.has():
        return
    session = db.session()
    try:
        if only_read(session):
            # The session is removed next: keep what objects loaded (a commit would expire them, and an
            # object read after its request would then fail instead of showing its values, as before).
            session.expire_on_commit = False
            session.commit()
    except Exception:  # noqa: BLE001 - never fail a finished request; the rollback that follows cleans up
        from flask import current_app

        current_app.logger.warning("committing a read-only transaction failed", exc_info=True)


def init_app(app: Flask) -> None:
    """After ``db.init_app``: teardown functions run last-registered first, so this one runs before
    Flask-SQLAlchemy removes the session."""
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        if not event.contains(engine, "before_cursor_execute", _mark_writes):
            event.listen(engine, "before_cursor_execute", _mark_writes)
            event.listen(engine, "begin", _begin)
            event.listen(engine, "commit", _end)
            event.listen(engine, "rollback", _end)
    if not event.contains(Session, "after_begin", _remember_connection):
        event.listen(Session, "after_begin", _remember_connection)
        event.listen(Session, "after_commit", _forget_connection)
        event.listen(Session, "after_rollback", _forget_connection)
    app.teardown_appcontext(end_read_only_transaction)
