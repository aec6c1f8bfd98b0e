"""Who sees an OPD's follow-up page: the office (admins, verifiers), the leaders (read-only), and the OPD's own
operators."""
from __future__ import annotations

from innovation.auth.models import User
from innovation.web import Role

OVERSEERS = (Role.ADMIN, Role.VERIFIER, Role.PIMPINAN)


def can_view_opd(user: User, opd_id: int) -> bool:
    return user.has_role(*OVERSEERS) or user.belongs_to(opd_id)


def can_view_all(user: User) -> bool:
    return user.has_role(*OVERSEERS)
