"""A change invalidates the verification it undermines (issue 11, rule 1).

The planning office's verdict on an indicator line (sesuai, diperbaiki, ditolak) judged the evidence
and the claim as they were. When the OPD then replaces, adds or removes evidence on that line, or
changes its parameter or basis, the verdict no longer speaks for the line: ``invalidate`` clears it
(the line counts as claimed again, like every line awaiting the verifier, and the claimed and verified
scores are recomputed by the caller's ``refresh_derived``) and marks the line "perlu diperiksa ulang"
(``IndicatorAnswer.recheck_since``). The old verdict stays visible as history in
``IndicatorAnswer.recheck`` with every change since (old file -> new file, old -> new parameter), for
the verifier's queue, the verification page, the OPD's indicator page and the export. The next
verdict (``reporting.services.verify_line``) ends the re-check; the audit log keeps all of it.

``outdated_verdicts`` is the export's second line of defence: a verdict older than a change of its
line's evidence (rows written before this rule, or by hand) is never exported as a verdict.

Services only: they change the answer, record the audit event and never commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from innovation.audit.services import Say, record, say
from innovation.auth.models import User
from innovation.extensions import db, utcnow
from innovation.innovations.models import IndicatorAnswer, Innovation

MAX_CHANGES = 20  # the changes kept per re-check (the audit log has every one)


class Change:
    """The kinds of change that send a verified line back to the verifier (``what`` in ``recheck``)."""

    EVIDENCE_ADDED = "evidence_added"
    EVIDENCE_REPLACED = "evidence_replaced"
    EVIDENCE_REMOVED = "evidence_removed"
    PARAMETER = "parameter"
    BASIS = "basis"
    RESUBMITTED = "resubmitted"


def invalidate(answer: IndicatorAnswer | None, what: str, *, by: User | None, old: Any = None,
               new: Any = None) -> bool:
    """Record a change on a line; if the line had a verdict, the verdict becomes history and the line
    awaits a re-check. A line already awaiting one collects the change too. Returns True when the line
    is (still) to be re-checked; lines never verified are left alone (they are awaiting the verifier
    anyway). ``by`` None: the system (``flask innovations refresh``). The caller refreshes the
    innovation's derived figures afterwards."""
    if answer is None or (answer.verification_status is None and answer.recheck_since is None):
        return False
    now = utcnow()
    state = dict(answer.recheck or {})
    verdict = answer.verification_status
    if verdict is not None:  # a new re-check: the verdict it replaces becomes history
        verifier = db.session.get(User, answer.verified_by_id) if answer.verified_by_id else None
        state = {
            "previous": {
                "status": verdict.value,
                "verified_parameter": answer.verified_parameter,
                "note": answer.verification_note,
                "by": verifier.full_name if verifier else None,
                "at": answer.verified_at.isoformat() if answer.verified_at else None,
            },
            "changes": [],
        }
        answer.verification_status = None
        answer.verified_parameter = None
        answer.verified_by_id = None
        answer.verified_at = None
        answer.recheck_since = now
    change = {"what": what, "old": old, "new": new, "by": by.full_name if by else "sistem", "at": now.isoformat()}
    state["changes"] = [*state.get("changes", []), change][-MAX_CHANGES:]
    answer.recheck = state  # a new dict: JSON columns only notice reassignment
    innovation = answer.innovation
    record("indicator.recheck", actor=by, obj=innovation, object_type="innovation",
           summary=say("Perlu diperiksa ulang: %(innovation)s, indikator %(no)d (%(change)s)",
                       innovation=innovation.nama, no=answer.indicator_no, change=described(change)),
           changes={"indicator_no": answer.indicator_no, "change": change,
                    "previous": state.get("previous") if verdict is not None else None})
    return True


def settle(answer: IndicatorAnswer) -> dict[str, Any] | None:
    """A new verdict ends the re-check; returns what it was (for the verdict's audit event)."""
    state = answer.recheck if answer.recheck_since is not None else None
    answer.recheck_since = None
    answer.recheck = None
    return state


# --- reading --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RecheckView:
    """A line to be re-checked as the pages show it."""

    since: datetime | None
    previous_status: str | None
    previous_parameter: int | None
    previous_note: str | None
    previous_by: str | None
    previous_at: datetime | None
    changes: list[dict[str, Any]]

    @property
    def descriptions(self) -> list[str]:
        return [describe(c) for c in self.changes]


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def view(recheck_since: datetime | None, recheck: dict[str, Any] | None) -> RecheckView | None:
    if recheck_since is None:
        return None
    state = recheck or {}
    previous = state.get("previous") or {}
    changes = [dict(c, at=_time(c.get("at"))) for c in state.get("changes") or []]
    return RecheckView(recheck_since, previous.get("status"), previous.get("verified_parameter"),
                       previous.get("note"), previous.get("by"), _time(previous.get("at")), changes)


def described(change: dict[str, Any]) -> Say | str:
    """``describe`` as an audit message, translated when the log is read."""
    what, old, new = change.get("what"), change.get("old"), change.get("new")
    if what == Change.EVIDENCE_REPLACED:
        return say("bukti diganti: %(old)s → %(new)s", old=old, new=new)
    if what == Change.EVIDENCE_ADDED:
        return say("bukti ditambahkan: %(new)s", new=new)
    if what == Change.EVIDENCE_REMOVED:
        return say("bukti dihapus: %(old)s", old=old)
    if what == Change.PARAMETER:
        return say("parameter %(old)s → %(new)s", old=old if old is not None else "—", new=new if new is not None else "—")
    if what == Change.BASIS:
        return say("dasar penilaian %(old)s → %(new)s", old=old or "—", new=new or "—")
    if what == Change.RESUBMITTED:
        return say("diajukan ulang oleh OPD")
    return str(what)


def describe(change: dict[str, Any]) -> str:
    """One change in words, e.g. "bukti diganti: sk-lama.pdf → sk-baru.pdf"."""
    what, old, new = change.get("what"), change.get("old"), change.get("new")
    if what == Change.EVIDENCE_REPLACED:
        return _("bukti diganti: %(old)s → %(new)s", old=old, new=new)
    if what == Change.EVIDENCE_ADDED:
        return _("bukti ditambahkan: %(new)s", new=new)
    if what == Change.EVIDENCE_REMOVED:
        return _("bukti dihapus: %(old)s", old=old)
    if what == Change.PARAMETER:
        return _("parameter %(old)s → %(new)s", old=old if old is not None else "—", new=new if new is not None else "—")
    if what == Change.BASIS:
        return _("dasar penilaian %(old)s → %(new)s", old=old or "—", new=new or "—")
    if what == Change.RESUBMITTED:
        return _("diajukan ulang oleh OPD")
    return str(what)


def outdated_verdicts(innovation: Innovation) -> set[int]:
    """Indicator numbers whose verdict is older than a later change of the line's evidence (added,
    replaced or removed after ``verified_at``): a verification that never saw the evidence it stands for.

    Uses the loaded ``innovation.answers`` and ``innovation.evidence`` (history included)."""
    last_change: dict[int, datetime] = {}
    for evidence in innovation.evidence:
        if evidence.indicator_no is None:
            continue
        moments = [t for t in (evidence.created_at, evidence.superseded_at, evidence.removed_at) if t is not None]
        if moments:
            latest = max(moments)
            if evidence.indicator_no not in last_change or latest > last_change[evidence.indicator_no]:
                last_change[evidence.indicator_no] = latest
    return {
        a.indicator_no for a in innovation.answers
        if a.verification_status is not None and a.verified_at is not None
        and a.indicator_no in last_change and last_change[a.indicator_no] > a.verified_at
    }


def invalidate_outdated(innovation: Innovation, *, by: User | None = None) -> list[int]:
    """Turn every outdated verdict of ``innovation`` into a line to be re-checked (``flask innovations
    refresh`` after an upgrade). Returns the indicator numbers; the caller refreshes the derived figures."""
    numbers = sorted(outdated_verdicts(innovation))
    answers = {a.indicator_no: a for a in innovation.answers}
    for no in numbers:
        latest = max((e for e in innovation.evidence if e.indicator_no == no),
                     key=lambda e: max(t for t in (e.created_at, e.superseded_at, e.removed_at) if t is not None))
        invalidate(answers[no], Change.EVIDENCE_ADDED if latest.is_current else Change.EVIDENCE_REMOVED,
                   by=by, old=None if latest.is_current else latest.display_name,
                   new=latest.display_name if latest.is_current else None)
    return numbers

