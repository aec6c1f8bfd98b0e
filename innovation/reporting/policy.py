"""Who may do what in reporting: the area's permission rules, in one place.

The planning office (verifiers, Bappeda) and admins verify claims and enter the regional indicators;
only admins register innovations for Kemendagri and export the bundle. An operator only resubmits a
corrected line of an innovation they may edit (``Innovation.can_edit``). Views pass the role tuples
to ``role_required`` and the functions to ``ensure``; services check the same functions.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from innovation.web import Role

if TYPE_CHECKING:
    from innovation.auth.models import User

OFFICE = (Role.ADMIN, Role.VERIFIER)  # the dashboard, verification, the regional indicators
ADMINS = (Role.ADMIN,)  # registration for Kemendagri, the export


def can_verify(user: User) -> bool:
    return user.role in OFFICE


def can_register(user: User) -> bool:
    return user.role in ADMINS


def can_edit_regional(user: User) -> bool:
    """The planning office (verifiers) and admins enter regional values and their files."""
    return user.role in OFFICE


def can_download_regional(user: User) -> bool:
    """The same people who enter regional values (admins and verifiers) open their files."""
    return can_edit_regional(user)
