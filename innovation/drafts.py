"""Local drafts (profile, indicator and score forms keep what is typed in the browser's localStorage):
the server's word that a draft has been saved.

A view that has saved a form with a local draft calls ``confirm_saved(key)``; the next full page the user
gets (base.html) names that key in ``<meta name="drafts-saved">`` and static/js/drafts.js removes it from
localStorage, before any form script could restore it. Shared phones keep no copy of a saved profile, and
a failed save (an error page, a dropped connection) keeps the draft, since nothing was confirmed.
"""
from __future__ import annotations

import re

from flask import Flask, session

SESSION_KEY = "drafts_saved"
_KEY = re.compile(r"^[a-z][a-z0-9:_-]{0,119}$")
_LIMIT = 20  # keys waiting at once: more means no page was shown since; the oldest go


def confirm_saved(storage_key: str) -> None:
    """Tell the user's next page that the local draft under ``storage_key`` is saved on the server."""
    if not _KEY.match(storage_key):
        raise ValueError(f"not a draft key: {storage_key!r}")
    waiting = [k for k in session.get(SESSION_KEY, []) if k != storage_key]
    session[SESSION_KEY] = (waiting + [storage_key])[-_LIMIT:]


def pop_saved() -> list[str]:
    """The confirmed keys, once: base.html calls this while rendering a full page."""
    if SESSION_KEY not in session:
        return []
    return [k for k in session.pop(SESSION_KEY) if isinstance(k, str) and _KEY.match(k)]


def init_app(app: Flask) -> None:
    app.jinja_env.globals["pop_saved_drafts"] = pop_saved
