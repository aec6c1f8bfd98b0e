"""Who may do what in judging, in one place.

- Conflicts of interest: a judge never judges an entry of the OPD they work for, its parent or its
  children (``is_conflicted``; ``opd_families`` gives every OPD's family at once for lists).
- Who may judge at all (``can_judge``): an active judge account (panels, assignments).
- Who may open an entry's dossier (``may_view_entry``): an admin, or a judge with an active
  assignment on it and no conflict.
- Who may score (``scoring_refusal``, the one may-score rule): the judge of an active assignment,
  not conflicted, while the round (scored with a rubric) is open and its result not published.
  ``sheets.save_sheet`` enforces it, ``may_score`` asks it.
- What may change once a round's result is published (``publication_refusal``): nothing that feeds
  its figures (the round's settings and window, its rubric, criteria and weights, assignments and
  recusals, score sheets, selection, tie decisions) until an admin reopens it with a written reason
  (``publication.reopen``). Every operation that changes one of them calls ``require_unpublished``.
- Written reasons (reopening, publishing with missing sheets, a chair's tie decision, deciding while
  submissions are open): at least ``REASON_MIN`` characters (``require_reason``).
- Who sees results: admins everything; an operator a round's results only once they are published,
  and then their own OPD's entries in full plus the public ranking; certificates go to the admin and
  the winning OPD. Judges and verifiers have no results pages.

Views check these with ``web.ensure``; services that enforce a rule call the same functions.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from innovation.auth.models import User
from innovation.extensions import db, utcnow
from innovation.judging.errors import JudgingError
from innovation.judging.models import Assignment, AssignmentStatus, Round, RoundEntry
from innovation.orgs.models import Opd
from innovation.timeutil import format_local
from innovation.web import Role

REASON_MIN = 10

# --- conflicts of interest ----------------------------------------------------------------------


def opd_families() -> dict[int, frozenset[int]]:
    """Every OPD's family (itself, its parent, its children), from one statement."""
    rows = db.session.execute(select(Opd.id, Opd.parent_id)).all()
    family: dict[int, set[int]] = {opd_id: {opd_id} for opd_id, _ in rows}
    for opd_id, parent_id in rows:
        if parent_id is not None and parent_id in family:
            family[opd_id].add(parent_id)
            family[parent_id].add(opd_id)
    return {k: frozenset(v) for k, v in family.items()}


def judge_family(user: User) -> set[int]:
    """The OPDs whose entries ``user`` must not judge (none for a judge from outside the government)."""
    return user.opd.family_ids() if user.opd_id is not None and user.opd is not None else set()


def is_conflicted(user: User, round_entry: RoundEntry) -> bool:
    """The entry comes from the judge's OPD, its parent or its children."""
    if user.opd_id is None:
        return False
    return round_entry.entry.opd_id in user.opd.family_ids()


# --- judging and scoring ------------------------------------------------------------------------


def can_judge(user: User) -> bool:
    """An active judge account: may sit on a panel and be assigned."""
    return user.has_role(Role.JUDGE) and user.active


def judges() -> list[User]:
    """Every account ``can_judge`` says yes to, by name (what the panel and assign selects offer)."""
    return list(db.session.scalars(select(User).where(User.role == Role.JUDGE, User.active.is_(True))
                                   .order_by(User.full_name)))


def may_view_entry(user: User, round_entry: RoundEntry) -> bool:
    """Admins always; a judge only with an active assignment and no conflict."""
    if user.is_admin:
        return True
    if not user.has_role(Role.JUDGE) or is_conflicted(user, round_entry):
        return False
    return round_entry.active_assignment_for(user) is not None


def scoring_refusal(assignment: Assignment | None, user: User, now: datetime | None = None) -> str | None:
    """Why ``user`` may not score on ``assignment`` now, or None when they may: the one may-score rule."""
    if (assignment is None or not user.has_role(Role.JUDGE) or assignment.judge_id != user.id
            or assignment.status != AssignmentStatus.ACTIVE):
        return _("Anda tidak ditugaskan menilai entri ini.")
    round_entry = assignment.round_entry
    round_ = round_entry.round
    if is_conflicted(user, round_entry):
        return _("Entri ini berasal dari unit kerja Anda (atau induk/bawahannya); Anda tidak boleh menilainya.")
    if round_.rubric is None:
        return _("Babak ini tidak dinilai dengan rubrik.")
    published = publication_refusal(round_, _("nilai juri"))
    if published is not None:
        return published
    now = now or utcnow()
    if now < round_.opens_at:
        return _("Penilaian babak ini belum dibuka.")
    if round_.is_closed(now):
        return _("Babak %(name)s sudah ditutup; nilai tidak dapat diubah lagi.", name=round_.name)
    return None


def require_may_score(assignment: Assignment | None, user: User, now: datetime | None = None) -> None:
    refusal = scoring_refusal(assignment, user, now)
    if refusal is not None:
        raise JudgingError(refusal)


def may_score(round_entry: RoundEntry, user: User, now: datetime | None = None) -> bool:
    """``user`` may score ``round_entry`` now (through their active assignment on it)."""
    return scoring_refusal(round_entry.active_assignment_for(user), user, now) is None


# --- publication ----------------------------------------------------------------------------------


def publication_refusal(round_: Round, what: str) -> str | None:
    """Why ``what`` (something feeding the round's figures) may not change now, or None when it may."""
    if round_.published_at is None:
        return None
    return _("Hasil %(round)s sudah diumumkan (%(when)s), jadi %(what)s tidak dapat diubah lagi: perubahan "
             "akan membuat angka resmi berbeda dari yang diumumkan. Bila memang perlu, admin dapat membuka "
             "kembali hasilnya dengan alasan tertulis di halaman hasil, lalu mengumumkannya lagi.",
             round=round_.name, when=format_local(round_.published_at), what=what)


def require_unpublished(round_: Round, what: str) -> None:
    refusal = publication_refusal(round_, what)
    if refusal is not None:
        raise JudgingError(refusal)


def require_reason(text: str | None, what: str, field: str = "reason") -> str:
    """A written reason, trimmed, at least ``REASON_MIN`` characters (at most 2,000 are kept)."""
    reason = " ".join((text or "").split())
    if len(reason) < REASON_MIN:
        raise JudgingError(_("Tuliskan alasan %(what)s (minimal %(n)d karakter).", what=what, n=REASON_MIN), field)
    return reason[:2000]


# --- results --------------------------------------------------------------------------------------


def sees_all_results(user: User) -> bool:
    """Every scored round, published or not, with every judge's sheets: the admin."""
    return user.is_admin


def may_see_results(user: User, round_: Round) -> bool:
    """The admin always; an operator once the round's results are published."""
    return user.is_admin or (user.has_role(Role.OPERATOR) and round_.published_at is not None)


def results_opd_id(user: User, requested: int | None) -> int | None:
    """Whose entries the OPD results page shows in full: an operator's own OPD; for an admin, the one
    asked for (a preview of that OPD's page)."""
    return user.opd_id if user.has_role(Role.OPERATOR) else requested


def may_get_certificate(user: User, round_: Round, opd_id: int) -> bool:
    """A published round's certificate: the admin, and the OPD the entry belongs to."""
    return may_see_results(user, round_) and (user.is_admin or user.belongs_to(opd_id))


# --- the discussion phase (``discussion``) ----------------------------------------------------------


def may_discuss(user: User, round_entry: RoundEntry, *, phase_open: bool) -> bool:
    """The entry's discussion page: the chair (an admin) always; a judge of the entry (active assignment,
    no conflict) only while the round's discussion phase is open and once their own sheet on it is
    submitted, so nobody sees the others' scores before committing to their own."""
    if user.is_admin:
        return True
    if not phase_open or not may_view_entry(user, round_entry):
        return False
    assignment = round_entry.active_assignment_for(user)
    return assignment is not None and assignment.sheet is not None and assignment.sheet.status.value == "submitted"
