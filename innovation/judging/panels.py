"""A round's panel: the judges who may be assigned its entries, each on every category or on one
category's panel (when the round uses category panels). Assigning a judge also puts them on the
panel (``assignments.assign_judge``)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from innovation.audit.services import record, say
from innovation.auth.models import User
from innovation.events.models import Category
from innovation.extensions import db
from innovation.judging import policy
from innovation.judging.errors import JudgingError
from innovation.judging.models import Assignment, AssignmentStatus, PanelMember, Round, RoundEntry


def panel_of(round_: Round) -> list[PanelMember]:
    return list(db.session.scalars(
        select(PanelMember).where(PanelMember.round_id == round_.id).order_by(PanelMember.judge_id, PanelMember.id)
    ).unique())


def add_panel_member(round_: Round, judge: User, *, category: Category | None = None, by: User) -> PanelMember:
    if not policy.can_judge(judge):
        raise JudgingError(_("Hanya akun juri yang aktif yang dapat menjadi anggota panel."))
    if category is not None and category.event_id != round_.event_id:
        raise JudgingError(_("Kategori tidak termasuk event ini."))
    for member in panel_of(round_):
        if member.judge_id == judge.id and member.category_id == (category.id if category else None):
            raise JudgingError(_("%(name)s sudah ada di panel ini.", name=judge.full_name))
    member = PanelMember(round_id=round_.id, judge_id=judge.id, category_id=category.id if category else None)
    db.session.add(member)
    db.session.flush()
    record("judging.panel_add", actor=by, obj=round_,
           summary=say("%(judge)s masuk panel %(round)s (kategori %(category)s)", judge=judge.full_name,
                       round=round_.name, category=category.name) if category
           else say("%(judge)s masuk panel %(round)s", judge=judge.full_name, round=round_.name))
    return member


def remove_panel_member(member: PanelMember, *, by: User) -> None:
    """Refused while the judge still has active assignments in the round and no other panel seat there."""
    active = db.session.scalar(
        select(Assignment.id).join(RoundEntry, Assignment.round_entry_id == RoundEntry.id)
        .where(RoundEntry.round_id == member.round_id, Assignment.judge_id == member.judge_id,
               Assignment.status == AssignmentStatus.ACTIVE).limit(1)
    )
    others = [m for m in panel_of(db.session.get(Round, member.round_id)) if m.judge_id == member.judge_id and m.id != member.id]
    if active and not others:
        raise JudgingError(_("Juri ini masih memiliki penugasan di babak ini. Lepaskan penugasannya dulu."))
    name = member.judge.full_name
    round_id = member.round_id
    db.session.delete(member)
    db.session.flush()
    record("judging.panel_remove", actor=by, object_type="judging_round", object_id=round_id,
           summary=say("%(judge)s keluar dari panel", judge=name))
