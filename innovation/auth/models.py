from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from innovation.auth import passwords
from innovation.concurrency import Versioned
from innovation.extensions import UTCDateTime, db, str_enum, utcnow
from innovation.orgs.models import Opd
from innovation.web import ROLE_LABELS, Role


class User(UserMixin, Versioned, db.Model):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint("role <> 'operator' OR opd_id IS NOT NULL", name="operator_has_opd"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    # An operator's OPD; for a judge, the OPD they work for (conflicts of interest).
    opd_id: Mapped[int | None] = mapped_column(ForeignKey("opd.id", ondelete="RESTRICT"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Bumped on a password change or deactivation: an open password reset link stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The second factor (auth.two_factor): the TOTP secret (base32), when it was turned on, and the last
    # time step used, so a code is accepted once.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column()

    opd: Mapped[Opd | None] = relationship(lazy="joined")

    # The sign-in this request runs under (auth.sessions): its token is what Flask-Login keeps in the
    # session cookie and the remember cookie. Not a column.
    current_session = None  # type: UserSession | None

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"

    # Flask-Login
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def get_id(self) -> str:
        """The current sign-in's token (Flask-Login stores it in the cookies): see auth.sessions."""
        if self.current_session is None or self.current_session.token is None:
            raise RuntimeError("sign in through innovation.auth.sessions.sign_in")
        return self.current_session.token

    # UserMixin compares users by get_id(), which is now a sign-in's token: compare by the account instead.
    __hash__ = object.__hash__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, User):
            return NotImplemented
        return self is other or (self.id is not None and self.id == other.id)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None

    def set_password(self, password: str) -> None:
        self.password_hash = passwords.hash_password(password)

    def check_password(self, password: str) -> bool:
        return passwords.check_password(self.password_hash, password)

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS[self.role])

    # The role predicates that views, templates and the areas' permission rules use (never ``role ==``).
    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_verifier(self) -> bool:
        return self.role == Role.VERIFIER

    @property
    def is_judge(self) -> bool:
        return self.role == Role.JUDGE

    @property
    def is_operator(self) -> bool:
        return self.role == Role.OPERATOR

    @property
    def is_leader(self) -> bool:
        """The Bupati, Wakil, Sekda (``pimpinan``): they read, they change nothing."""
        return self.role == Role.PIMPINAN

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def belongs_to(self, opd_id: int | None) -> bool:
        """An operator acts only for their own OPD."""
        return self.is_operator and opd_id is not None and self.opd_id == opd_id


class UserSession(db.Model):
    """One sign-in on one device, from login to logout (or until an admin, the user, a password change or
    its idle/absolute lifetime ends it). The cookies carry a random token; only its SHA-256 is stored,
    so a copy of the database cannot be used to take over a session."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_reason: Mapped[str | None] = mapped_column(String(20))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    # The token itself, known only in the request that signed in or presented it. Not a column.
    token = None  # type: str | None

    def __repr__(self) -> str:
        return f"<UserSession {self.id} of {self.user_id}>"


class RecoveryCode(db.Model):
    """A single-use code that stands in for the TOTP code once (a lost phone); only its hash is kept."""

    __tablename__ = "recovery_code"
    __table_args__ = (UniqueConstraint("user_id", "code_hash", name="uq_recovery_code_user_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
