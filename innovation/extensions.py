"""Flask extensions, created unbound and bound in create_app()."""
from __future__ import annotations

import enum
from datetime import datetime, timezone

from flask import has_request_context, session
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import DateTime, MetaData, TypeDecorator
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so Alembic autogenerate and both databases agree.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


MAX_PAGE = 1_000_000  # a list's page number beyond this is page 1 (an OFFSET PostgreSQL can still take)


class Database(SQLAlchemy):
    def paginate(self, select, *, page=None, per_page=None, **kwargs):
        """Flask-SQLAlchemy's ``paginate``, with ``?page=`` and ``?per_page=`` from the query bounded:
        an absurd page (``?page=10**30``) is page 1 instead of an OFFSET the database refuses."""
        if page is None and has_request_context():
            page = _bounded_arg("page", 1, MAX_PAGE)
        if per_page is None and has_request_context():
            per_page = _bounded_arg("per_page", 20, 100)
        return super().paginate(select, page=page, per_page=per_page, **kwargs)


def _bounded_arg(name: str, default: int, maximum: int) -> int:
    from flask import request

    try:
        value = int(request.args.get(name, default))
    except (TypeError, ValueError):
        return default
    return value if 1 <= value <= maximum else default


db = Database(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
compress = Compress()  # gzip/brotli for pages, CSS and JS: the slow mobile links of the interior
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def select_locale() -> str:
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    # Indonesian first: the browser's language is not consulted, the user picks English explicitly.
    return current_app.config["BABEL_DEFAULT_LOCALE"]


babel = Babel()


# --- column types shared by every area -------------------------------------------------------


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every database (SQLite returns naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def str_enum(enum_cls: type[enum.Enum], length: int = 20) -> SAEnum:
    """Store a StrEnum by its value, as a plain string column with a CHECK constraint."""
    return SAEnum(
        enum_cls,
        values_callable=lambda members: [m.value for m in members],
        native_enum=False,
        create_constraint=True,
        length=length,
        name=enum_cls.__name__.lower(),
        validate_strings=True,
    )


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
