"""Who decides what is public. Reading the public side needs nobody: its views have no role check, and what
they show is only ever what ``settings.public_fields()`` and ``Evidence.is_public`` allow."""
from __future__ import annotations

from typing import TYPE_CHECKING

from innovation.web import Role

if TYPE_CHECKING:
    from innovation.auth.models import User
    from innovation.innovations.models import Evidence

ADMINS = (Role.ADMIN,)  # the field settings, the evidence approval list
EDITORS = (Role.ADMIN, Role.OPERATOR)  # offering an evidence file to the public


def can_offer(evidence: Evidence, user: User) -> bool:
    """The OPD that owns the innovation (or an admin) asks for a file to be public, or withdraws it."""
    return evidence.innovation.can_edit(user)


def can_decide(user: User) -> bool:
    return user.role == Role.ADMIN
