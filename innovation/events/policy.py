"""Who acts for which OPD on the Innovation Week pages. Whether a user may view or change one entry is
``Entry.can_view`` / ``Entry.can_edit``; whether the deadline allows a change is ``services.require_open``."""
from __future__ import annotations

from innovation.auth.models import User


def acting_opd_id(user: User, chosen: int | None = None) -> int | None:
    """The OPD whose entries a page shows and changes: an operator's own, always; for an admin, the one
    ``chosen`` (``?opd=``: an admin acts on behalf of any OPD); nobody's for the other roles."""
    if user.is_operator:
        return user.opd_id
    if user.is_admin:
        return chosen
    return None
