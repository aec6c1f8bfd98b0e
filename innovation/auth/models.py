from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

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
    # Bumped on password change or deactivation: every existing session of the user ends.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    opd: Mapped[Opd | None] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"

    # Flask-Login
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

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

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def belongs_to(self, opd_id: int | None) -> bool:
        """An operator acts only for their own OPD."""
        return self.is_operator and opd_id is not None and self.opd_id == opd_id
