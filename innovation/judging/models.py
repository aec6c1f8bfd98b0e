"""judging models (see the area's services for the rules)."""
from __future__ import annotations
