"""Evidence routes on the innovations blueprint (upload, link, replace, remove, download)."""
from __future__ import annotations

from innovation.innovations.views import bp  # noqa: F401
