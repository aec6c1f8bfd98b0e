"""Who may do what with innovations and their evidence: the area's permission rules.

A rule about one innovation is the innovation's own method (``Innovation.can_view(user)``,
``can_edit(user)``: every area asks the row). What depends on the user alone, and the roles each
route admits (``role_required(*READERS)``), is here. Views, services and templates ask these
functions; none compares roles itself.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from innovation.web import Role

if TYPE_CHECKING:
    from innovation.auth.models import User
    from innovation.innovations.models import Evidence

READERS = (Role.ADMIN, Role.VERIFIER, Role.OPERATOR)  # the innovation pages
EDITORS = (Role.ADMIN, Role.OPERATOR)  # profiles, answers, evidence (and resumable uploads)


def own_opd_id(user: User) -> int | None:
    """The one OPD an operator works for: their lists show only its innovations, and what they create
    belongs to it. ``None`` for everyone else (they see every OPD, and an admin picks one)."""
    return user.opd_id if user.role == Role.OPERATOR else None


def can_create(user: User) -> bool:
    """Operators (for their OPD) and admins (for any active OPD) add innovations."""
    return user.role in EDITORS


def can_download_evidence(evidence: Evidence, user: User) -> bool:
    """Who may open an evidence file (current or historic). The one place to widen (judges later)."""
    return evidence.innovation.can_view(user)


def can_view_opd_innovations(user: User, opd_id: int) -> bool:
    """The same rule as ``Innovation.can_view``, for a row known only by its OPD (the similar-innovations
    list links only what the user may open)."""
    return user.role in (Role.ADMIN, Role.VERIFIER) or user.belongs_to(opd_id)
