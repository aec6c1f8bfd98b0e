"""Merge one innovation into another after the duplicate report (``innovations.duplicates`` finds the
pairs and keeps the "distinct" decisions). Here, not in ``innovations``, because a merge must first ask
the events area whether the duplicate is entered in an Innovation Week (it is then refused: its entry,
sheets and results would go with it)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from innovation.audit.services import record
from innovation.auth.models import User
from innovation.events.models import Entry
from innovation.extensions import db
from innovation.innovations import services as innovation_services
from innovation.innovations.duplicates import DuplicateError
from innovation.innovations.models import Innovation


def merge_duplicate(keep: Innovation, drop: Innovation, *, by: User) -> Innovation:
    """Keep ``keep``; take over from ``drop`` the indicator answers and the evidence ``keep`` lacks (per
    indicator and per profile file slot), then delete ``drop``. Refused across assessment years (carry
    over instead), and while ``drop`` is entered in an Innovation Week."""
    if keep.id == drop.id:
        raise DuplicateError(_("Pilih dua inovasi yang berbeda."))
    if keep.rules_year != drop.rules_year:
        raise DuplicateError(_(
            "Inovasi tahun %(a)d dan %(b)d tidak digabung: aturannya berbeda. Inovasi yang sama pada tahun "
            "berbeda dibawa ke tahun baru, lalu yang dobel pada tahun yang sama digabung.", a=keep.rules_year,
            b=drop.rules_year))
    entries = db.session.scalar(select(func.count()).select_from(Entry).where(Entry.innovation_id == drop.id))
    if entries:
        raise DuplicateError(_(
            "\u201c%(nama)s\u201d terdaftar di %(n)d Pekan Inovasi. Tarik atau hapus pendaftarannya dulu, "
            "lalu gabungkan.", nama=drop.nama, n=entries))
    answered = {a.indicator_no for a in keep.answers if a.parameter is not None}
    moved_answers = []
    for answer in list(drop.answers):
        if answer.parameter is not None and answer.indicator_no not in answered:
            for mine in [a for a in keep.answers if a.indicator_no == answer.indicator_no]:
                keep.answers.remove(mine)  # an empty answer row of the kept one gives way
                db.session.delete(mine)
            db.session.flush()
            drop.answers.remove(answer)
            answer.innovation_id = keep.id
            keep.answers.append(answer)
            moved_answers.append(answer.indicator_no)
    have_indicator = {e.indicator_no for e in keep.evidence if e.is_current and e.indicator_no is not None}
    have_slot = {e.profile_slot for e in keep.evidence if e.is_current and e.profile_slot is not None}
    moved_evidence = 0
    for item in list(drop.evidence):
        if not item.is_current:
            continue
        if (item.indicator_no is not None and item.indicator_no not in have_indicator) or (
                item.profile_slot is not None and item.profile_slot not in have_slot):
            drop.evidence.remove(item)
            item.innovation_id = keep.id
            keep.evidence.append(item)
            moved_evidence += 1
    if keep.registered_at is None and drop.registered_at is not None:
        keep.registered_at = drop.registered_at
    summary = (f"Digabung: {drop.nama} (#{drop.id}, {drop.opd.name}) ke {keep.nama} (#{keep.id}); "
               f"jawaban indikator {moved_answers or '-'}, {moved_evidence} bukti dukung dipindahkan")
    db.session.flush()
    db.session.delete(drop)
    db.session.flush()
    innovation_services.refresh_derived(keep)
    record("innovation.merge", actor=by, obj=keep, summary=summary[:500],
           changes={"dropped_id": drop.id, "answers": moved_answers, "evidence": moved_evidence})
    return keep
