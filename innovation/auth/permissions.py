"""Moved: ``role_required`` and ``ensure`` live in ``innovation.web`` (level 1)."""
from innovation.web import ensure, role_required  # noqa: F401
