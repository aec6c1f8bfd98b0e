"""Evidence on the public showcase: the OPD offers a file (or withdraws it), an admin approves or declines.

A file is public only while all three hold (``Evidence.is_public``): it is the current version, the OPD's
offer stands, and an admin approved it. What could change underneath an approval cannot: a replaced or
removed file is no longer current (a replacement is a new row, offered and approved afresh), a withdrawn
offer clears the decision, and a stored file never changes under its id.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from innovation.audit.services import record, say
from innovation.extensions import utcnow
from innovation.innovations.models import Evidence, Innovation, PublicDecision
from innovation.public.settings import PublicError

MAX_NOTE = 500


def _where(evidence: Evidence) -> str:
    return str(evidence.indicator_no) if evidence.indicator_no is not None else evidence.profile_slot or ""


def offer(evidence: Evidence, *, public: bool, by) -> bool:
    """The OPD asks for ``evidence`` to be public (``public``; again after a decline) or withdraws the
    request; returns whether it changed. Withdrawing also ends an approval."""
    if not evidence.is_current:
        raise PublicError(_("Bukti ini sudah tidak berlaku (sudah diganti atau dihapus)."))
    offered = evidence.public_requested_at is not None
    if public == offered and not (public and evidence.public_decision == PublicDecision.DECLINED):
        return False  # nothing to do (a declined offer may be made again)
    was_public = evidence.is_public
    evidence.public_requested_at = utcnow() if public else None
    evidence.public_decision = None
    evidence.public_decided_at = None
    evidence.public_note = None
    record("evidence.public_offer" if public else "evidence.public_withdraw", actor=by, obj=evidence.innovation,
           summary=say("Bukti diajukan untuk halaman publik (%(where)s): %(evidence)s", where=_where(evidence),
                       evidence=evidence.display_name) if public
           else say("Pengajuan publik ditarik (%(where)s): %(evidence)s", where=_where(evidence),
                    evidence=evidence.display_name),
           changes={"evidence_id": evidence.id, "offered": [not public, public], "was_public": was_public})
    return True


def decide(evidence: Evidence, *, approve: bool, note: str = "", by) -> Evidence:
    """An admin approves or declines an offered file (a decline needs a reason the OPD will read)."""
    if not evidence.is_current or evidence.public_requested_at is None:
        raise PublicError(_("Bukti ini tidak (lagi) diajukan untuk publik: OPD menariknya, atau berkasnya sudah "
                            "diganti."))
    note = " ".join((note or "").split())
    if len(note) > MAX_NOTE:
        raise PublicError(_("Alasan paling panjang %(n)d karakter.", n=MAX_NOTE), "note")
    if not approve and not note:
        raise PublicError(_("Tulis alasan penolakan; OPD akan membacanya."), "note")
    decision = PublicDecision.APPROVED if approve else PublicDecision.DECLINED
    before = evidence.public_decision
    evidence.public_decision = decision
    evidence.public_decided_at = utcnow()
    evidence.public_note = note or None
    shown = {"evidence": evidence.display_name, "note": note}
    record("evidence.public_approve" if approve else "evidence.public_decline", actor=by, obj=evidence.innovation,
           summary=(say("Bukti disetujui untuk halaman publik: %(evidence)s (%(note)s)", **shown) if approve and note
                    else say("Bukti disetujui untuk halaman publik: %(evidence)s", **shown) if approve
                    else say("Bukti ditolak untuk halaman publik: %(evidence)s (%(note)s)", **shown) if note
                    else say("Bukti ditolak untuk halaman publik: %(evidence)s", **shown)),
           changes={"evidence_id": evidence.id,
                    "public_decision": [before.value if before else None, decision.value]})
    return evidence


def offered_query(*, decided: bool = False) -> Select:
    """Current evidence the OPDs offered: waiting for a decision (oldest first), or decided (newest first)."""
    query = (select(Evidence).join(Innovation, Evidence.innovation_id == Innovation.id)
             .where(Evidence.public_requested_at.is_not(None), Evidence.superseded_at.is_(None),
                    Evidence.removed_at.is_(None))
             .options(joinedload(Evidence.innovation)))
    if decided:
        return query.where(Evidence.public_decision.is_not(None)).order_by(Evidence.public_decided_at.desc(),
                                                                           Evidence.id.desc())
    return query.where(Evidence.public_decision.is_(None)).order_by(Evidence.public_requested_at, Evidence.id)
