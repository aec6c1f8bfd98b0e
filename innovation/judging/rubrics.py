"""Rubrics: the built-ins (data in ``rubric_data``, seeded idempotently), copies per round, weight changes.

A round always scores with its own copy of a rubric (``copy_rubric``), so changing one round's
weights never touches another round or the built-in template. Rules:

- the weights of the counted (non-independent) criteria total exactly 100;
- changing weights after scores exist recomputes every sheet's total, and is logged;
- a criterion that has scores cannot be removed;
- a criterion's code is unique in its rubric (lower case letters, digits, ``_`` and ``-``);
- nothing changes while a round scoring with the rubric is published (``policy.require_unpublished``);
- every change through a form carries the rubric's edit version (``concurrency.claim``): a save based
  on an older version is refused with what the other admin changed;
- judges whose submitted totals a change moved are told, old -> new, until they acknowledge it
  (``ScoreSheet.acknowledged_total``; ``sheets.acknowledge_total``), and the moves are logged.

Descriptors (what a score means) are kept per criterion as ``{"<level>": {"id": ..., "en": ...}}``.
A scale of up to ``MAX_LEVELS_WITH_DESCRIPTORS`` levels (1-5, 0-10) has one descriptor per level.
A longer scale (0-100) has ``DESCRIPTOR_BANDS`` bands of about equal width (0-19, 20-39, ..., 80-100),
each stored under its lowest level, so ``Criterion.descriptor(level)`` and the score sheet show it
where the band starts (see ``descriptor_levels``).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from innovation.audit.services import diff, record, say, say_n, snapshot
from innovation.auth.models import User
from innovation.concurrency import claim
from innovation.events.models import Entry
from innovation.extensions import db
from innovation.innovations.models import Innovation
from innovation.judging import policy, totals
from innovation.judging.errors import JudgingError
from innovation.judging.models import (
    Assignment,
    Criterion,
    Round,
    RoundEntry,
    Rubric,
    Score,
    ScoreSheet,
    SheetStatus,
)
from innovation.judging.results_cache import mark_rubric_changed
from innovation.judging.rubric_data import BUILTIN_RUBRICS, IGA_CODE, KIPP_CODE  # noqa: F401
from innovation.judging.sheets import refresh_total
from innovation.numbers import format_number

MAX_LEVELS_WITH_DESCRIPTORS = 11  # 1-5, 1-10 and 0-10 get one descriptor per level
DESCRIPTOR_BANDS = 5  # longer scales (0-100): five bands
DESCRIPTOR_LOCALES = ("id", "en")
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,19}$")
TITLE_MAX = 200
DESCRIPTOR_MAX = 1000


# --- reading ----------------------------------------------------------------------------------

def builtin_rubrics() -> list[Rubric]:
    return list(db.session.scalars(select(Rubric).where(Rubric.builtin.is_(True)).order_by(Rubric.code)))


def get_by_code(code: str) -> Rubric | None:
    return db.session.scalar(select(Rubric).where(Rubric.code == code))


def counted_weights(rubric: Rubric) -> dict[int, Decimal]:
    return {c.id: c.weight for c in rubric.criteria if not c.independent}


def check_weights(rubric: Rubric) -> None:
    _require_hundred(c.weight for c in rubric.criteria if not c.independent)


def shown_weight(value: Decimal) -> str:
    """A weight in a message, in the page's number format: "105", "99,5" (Indonesian), "99.5" (English)."""
    places = 0 if value == value.to_integral_value() else (1 if value * 10 == (value * 10).to_integral_value() else 2)
    return format_number(value, places)


def _require_hundred(counted) -> None:
    total = totals.weights_total(counted)
    if total != totals.HUNDRED:
        raise JudgingError(
            _("Bobot kriteria yang dihitung harus berjumlah 100; sekarang %(total)s.", total=shown_weight(total)),
            "weights",
        )


@dataclass(frozen=True)
class DescriptorLevel:
    """One descriptor slot of a rubric's scale: a level (low == high) or a band of levels."""

    key: str  # the key in ``Criterion.descriptors``: the level, or the band's lowest level
    low: int
    high: int

    @property
    def label(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"


def descriptor_levels(scale_min: int, scale_max: int) -> list[DescriptorLevel]:
    """The descriptor slots of a scale: one per level up to ``MAX_LEVELS_WITH_DESCRIPTORS`` levels,
    otherwise ``DESCRIPTOR_BANDS`` bands of about equal width (0-100: 0-19, 20-39, 40-59, 60-79, 80-100)."""
    count = scale_max - scale_min + 1
    if count <= MAX_LEVELS_WITH_DESCRIPTORS:
        return [DescriptorLevel(str(level), level, level) for level in range(scale_min, scale_max + 1)]
    starts = [scale_min + count * i // DESCRIPTOR_BANDS for i in range(DESCRIPTOR_BANDS)]
    ends = [start - 1 for start in starts[1:]] + [scale_max]
    return [DescriptorLevel(str(low), low, high) for low, high in zip(starts, ends, strict=True)]


def scored_criterion_ids(rubric: Rubric) -> set[int]:
    return set(db.session.scalars(
        select(Score.criterion_id).join(Criterion).where(Criterion.rubric_id == rubric.id,
                                                         Score.value.is_not(None)).distinct()
    ))


# --- seeding and copies -----------------------------------------------------------------------

def _criterion_from(data: dict[str, Any], position: int) -> Criterion:
    return Criterion(
        code=data["code"], title=data["title"], title_en=data.get("title_en", ""),
        description=data.get("description", ""), description_en=data.get("description_en", ""),
        weight=Decimal(str(data["weight"])), independent=bool(data.get("independent", False)),
        position=position, descriptors=data.get("descriptors", {}),
    )


def seed_builtin_rubrics(*, by: User | None = None) -> list[Rubric]:
    """Create the built-in rubrics that are missing (idempotent; an existing one is left as is)."""
    made = []
    for data in BUILTIN_RUBRICS:
        if get_by_code(data["code"]) is not None:
            continue
        rubric = Rubric(
            code=data["code"], name=data["name"], name_en=data["name_en"], description=data["description"],
            scale_min=data["scale_min"], scale_max=data["scale_max"], builtin=True,
            criteria=[_criterion_from(c, i) for i, c in enumerate(data["criteria"])],
        )
        check_weights(rubric)
        db.session.add(rubric)
        db.session.flush()
        record("judging.rubric_seed", actor=by, obj=rubric, summary=say("Rubrik bawaan %(rubric)s dibuat", rubric=rubric.name))
        made.append(rubric)
    return made


def copy_rubric(source: Rubric, *, code: str, name: str | None = None) -> Rubric:
    """A round's own copy of ``source`` (criteria, weights, descriptors)."""
    copy = Rubric(
        code=code[:40], name=name or source.name, name_en=source.name_en, description=source.description,
        scale_min=source.scale_min, scale_max=source.scale_max, builtin=False,
        criteria=[
            Criterion(code=c.code, title=c.title, title_en=c.title_en, description=c.description,
                      description_en=c.description_en, weight=c.weight, independent=c.independent,
                      position=c.position, descriptors=dict(c.descriptors or {}))
            for c in source.criteria
        ],
    )
    db.session.add(copy)
    db.session.flush()
    return copy


# --- changes ----------------------------------------------------------------------------------

def _decimal(value: Any, label: str, low: Decimal, high: Decimal) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise JudgingError(_("%(label)s harus berupa angka.", label=label)) from None
    if not number.is_finite() or not (low <= number <= high):
        raise JudgingError(_("%(label)s harus antara %(low)s dan %(high)s.", label=label, low=low, high=high))
    if number != number.quantize(Decimal("0.01")):
        raise JudgingError(_("%(label)s paling banyak dua angka desimal.", label=label))
    return number


def recompute_totals(rubric: Rubric, *, by: User | None = None) -> int:
    """Recompute every sheet's total after a weight change. Returns how many sheets changed.

    The submitted sheets whose total moved are logged (judge, innovation, old -> new); their judges
    see a notice until they acknowledge it (``ScoreSheet.total_moved``)."""
    db.session.flush()
    rows = db.session.execute(
        select(ScoreSheet, User.full_name, Innovation.nama)
        .join(Assignment, ScoreSheet.assignment_id == Assignment.id)
        .join(User, Assignment.judge_id == User.id)
        .join(RoundEntry, Assignment.round_entry_id == RoundEntry.id)
        .join(Entry, RoundEntry.entry_id == Entry.id)
        .join(Innovation, Entry.innovation_id == Innovation.id)
        .join(Round, RoundEntry.round_id == Round.id)
        .where(Round.rubric_id == rubric.id)
        .options(selectinload(ScoreSheet.scores))  # one statement for every sheet's scores
        .order_by(ScoreSheet.id)
    ).unique().all()
    changed = 0
    moved: dict[str, list] = {}
    for sheet, judge, innovation in rows:
        before = sheet.total
        refresh_total(sheet, rubric)
        if before != sheet.total:
            changed += 1
            if sheet.status == SheetStatus.SUBMITTED:
                moved[f"{judge} · {innovation}"] = [before, sheet.total]
    if moved:
        # not on the rubric object: the moves are a consequence, not an edit, so a stale rubric form's
        # notice (``concurrency.changes_since``, by edit version) does not list them as someone's change
        record("judging.totals_moved", actor=by, object_type="rubric", object_id=rubric.id, changes=moved,
               summary=say_n("Perubahan rubrik %(rubric)s menggeser %(num)d total nilai terkirim; juri yang "
                             "bersangkutan diberi tahu", "Perubahan rubrik %(rubric)s menggeser %(num)d total nilai "
                             "terkirim; juri yang bersangkutan diberi tahu", len(moved), rubric=rubric.name))
    return changed


def _require_editable(rubric: Rubric) -> None:
    """A round's own rubric, whose round's result is not published."""
    _refuse_builtin(rubric)
    for round_ in db.session.scalars(select(Round).where(Round.rubric_id == rubric.id)):
        policy.require_unpublished(round_, _("kriteria dan bobot rubrik"))


def update_criteria(rubric: Rubric, rows: list[dict[str, Any]], *, by: User, version: object = None) -> Rubric:
    """Change titles, descriptions, weights and 'independent' of existing criteria, all at once.

    ``rows``: one dict per criterion, with ``id`` and any of ``title``, ``description``, ``weight``,
    ``independent``. The counted weights must total 100 afterwards; totals are recomputed and logged.
    ``version``: the rubric's edit version the form was loaded from (None: the current one).
    """
    _require_editable(rubric)
    by_id = {c.id: c for c in rubric.criteria}
    before = _shown(rubric)
    changes: dict[str, list[Any]] = {}
    weights_changed = False
    for row in rows:
        criterion = by_id.get(int(row["id"])) if str(row.get("id", "")).isdigit() else None
        if criterion is None:
            raise JudgingError(_("Kriteria tidak ditemukan di rubrik ini."))
        if "title" in row:
            title = (row["title"] or "").strip()
            if not title:
                raise JudgingError(_("Nama kriteria wajib diisi."))
            if title[:200] != criterion.title:
                changes[f"nama {criterion.code}"] = [criterion.title, title[:200]]
            criterion.title = title[:200]
        if "description" in row:
            description = (row["description"] or "").strip()
            if description != criterion.description:
                changes[f"penjelasan {criterion.code}"] = ["…", "…"]
            criterion.description = description
        if "weight" in row:
            weight = _decimal(row["weight"], _("Bobot %(c)s", c=criterion.title), Decimal(0), totals.HUNDRED)
            if weight != criterion.weight:
                changes[f"bobot {criterion.code}"] = [criterion.weight, weight]
                weights_changed = True
            criterion.weight = weight
        if "independent" in row:
            independent = bool(row["independent"])
            if independent != criterion.independent:
                changes[f"independen {criterion.code}"] = [criterion.independent, independent]
                weights_changed = True
            criterion.independent = independent
    check_weights(rubric)
    if not changes:
        return rubric  # the same values again: nothing changes, nothing is logged
    claim(rubric, version, required=version is not None)
    recomputed = recompute_totals(rubric, by=by) if weights_changed else 0
    record("judging.rubric_update", actor=by, obj=rubric, changes=changes,
           summary=say_n("Rubrik %(rubric)s diubah; %(num)d total nilai dihitung ulang",
                         "Rubrik %(rubric)s diubah; %(num)d total nilai dihitung ulang", recomputed, rubric=rubric.name))
    if _shown(rubric) != before:
        mark_rubric_changed(rubric)
    return rubric


def _shown(rubric: Rubric) -> list[tuple]:
    """What the results show of a rubric's criteria (their titles, weights and whether they count)."""
    return [(c.id, c.code, c.title, c.title_en, c.weight, c.independent, c.position) for c in rubric.criteria]


def _refuse_builtin(rubric: Rubric) -> None:
    if rubric.builtin:
        raise JudgingError(_("Rubrik bawaan tidak dapat diubah; ubah salinan milik babak."))


def _clean_code(rubric: Rubric, code: str | None, current: Criterion | None = None) -> str:
    code = (code or "").strip().lower()
    if not code:
        raise JudgingError(_("Kode kriteria wajib diisi."), "code")
    if not CODE_PATTERN.match(code):
        raise JudgingError(_("Kode kriteria paling banyak 20 karakter: huruf kecil, angka, _ atau -, "
                             "diawali huruf atau angka."), "code")
    if any(c.code == code and c is not current for c in rubric.criteria):
        raise JudgingError(_("Kode kriteria %(code)s sudah dipakai di rubrik ini.", code=code), "code")
    return code


def _clean_text(value: str | None, *, required: str | None = None, limit: int | None = None,
                field: str | None = None) -> str:
    text = (value or "").strip()
    if required is not None and not text:
        raise JudgingError(_("%(label)s wajib diisi.", label=required), field)
    if limit is not None and len(text) > limit:
        raise JudgingError(_("Teks paling banyak %(n)d karakter.", n=limit), field)
    return text


def _clean_descriptors(rubric: Rubric, descriptors: Mapping[str, Mapping[str, str | None]]) -> dict[str, Any]:
    """``{key: {"id": ..., "en": ...}}`` for the rubric's own slots only; empty texts are left out."""
    keys = [slot.key for slot in descriptor_levels(rubric.scale_min, rubric.scale_max)]
    unknown = set(descriptors) - set(keys)
    if unknown:
        raise JudgingError(_("Deskriptor untuk tingkat di luar skala rubrik: %(levels)s.",
                             levels=", ".join(sorted(unknown))), "descriptors")
    cleaned: dict[str, Any] = {}
    for key in keys:
        texts = descriptors.get(key) or {}
        item = {locale: _clean_text(texts.get(locale), limit=DESCRIPTOR_MAX, field="descriptors")
                for locale in DESCRIPTOR_LOCALES}
        item = {locale: text for locale, text in item.items() if text}
        if item:
            cleaned[key] = item
    return cleaned


def _descriptor_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    changes = {}
    for key in sorted(set(before) | set(after), key=lambda k: int(k) if k.lstrip("-").isdigit() else 0):
        for locale in DESCRIPTOR_LOCALES:
            old = (before.get(key) or {}).get(locale) or None
            new = (after.get(key) or {}).get(locale) or None
            if old != new:
                changes[f"deskriptor {key} ({locale})"] = [old, new]
    return changes


def _parse_weights(rubric: Rubric, weights: Mapping[Any, Any] | None) -> dict[int, Decimal]:
    """Typed weights of the rubric's criteria, by id; an id of another rubric is refused."""
    by_id = {c.id: c for c in rubric.criteria}
    parsed: dict[int, Decimal] = {}
    for ident, raw in (weights or {}).items():
        criterion = by_id.get(int(ident)) if str(ident).isdigit() else None
        if criterion is None:
            raise JudgingError(_("Kriteria tidak ditemukan di rubrik ini."))
        parsed[criterion.id] = _decimal(raw, _("Bobot %(c)s", c=criterion.title), Decimal(0), totals.HUNDRED)
    return parsed


def _apply_weights(rubric: Rubric, weights: Mapping[int, Decimal], changes: dict[str, list[Any]]) -> None:
    for criterion in rubric.criteria:
        weight = weights.get(criterion.id)
        if weight is not None and weight != criterion.weight:
            changes[f"bobot {criterion.code}"] = [criterion.weight, weight]
            criterion.weight = weight


def add_criterion(
    rubric: Rubric,
    *,
    code: str,
    title: str,
    weight: Any = 0,
    independent: bool = False,
    description: str = "",
    title_en: str = "",
    description_en: str = "",
    descriptors: Mapping[str, Mapping[str, str | None]] | None = None,
    weights: Mapping[Any, Any] | None = None,
    by: User | None,
    version: object = None,
) -> Criterion:
    """A new criterion at the end of the rubric.

    ``weights`` (criterion id -> typed weight) rebalances the other criteria in the same change, so
    the counted weights still total 100 afterwards. Everything is checked before anything changes;
    totals are recomputed and the change is logged. ``version``: as ``update_criteria``.
    """
    _require_editable(rubric)
    code = _clean_code(rubric, code)
    title = _clean_text(title, required=_("Nama kriteria"), limit=TITLE_MAX, field="title")
    title_en = _clean_text(title_en, limit=TITLE_MAX, field="title_en")
    description = _clean_text(description)
    description_en = _clean_text(description_en)
    weight = _decimal(weight, _("Bobot"), Decimal(0), totals.HUNDRED)
    others = _parse_weights(rubric, weights)
    cleaned = _clean_descriptors(rubric, descriptors or {})
    counted = [others.get(c.id, c.weight) for c in rubric.criteria if not c.independent]
    _require_hundred(counted + ([] if independent else [weight]))

    claim(rubric, version, required=version is not None)
    changes: dict[str, list[Any]] = {}
    _apply_weights(rubric, others, changes)
    criterion = Criterion(
        code=code, title=title, title_en=title_en, description=description, description_en=description_en,
        weight=weight, independent=bool(independent), descriptors=cleaned,
        position=max((c.position for c in rubric.criteria), default=-1) + 1,
    )
    rubric.criteria.append(criterion)
    db.session.flush()
    changes["kriteria baru"] = [None, code]
    changes[f"bobot {code}"] = [None, weight]
    if independent:
        changes[f"independen {code}"] = [None, True]
    recomputed = recompute_totals(rubric, by=by)
    record("judging.criterion_add", actor=by, obj=rubric, changes=changes,
           summary=say_n("Kriteria %(criterion)s ditambahkan ke %(rubric)s; %(num)d total nilai dihitung ulang",
                         "Kriteria %(criterion)s ditambahkan ke %(rubric)s; %(num)d total nilai dihitung ulang",
                         recomputed, criterion=title, rubric=rubric.name))
    mark_rubric_changed(rubric)
    return criterion


CRITERION_FIELDS = ["code", "title", "title_en", "description", "description_en", "weight", "independent"]


def update_criterion(
    criterion: Criterion,
    *,
    code: str | None = None,
    title: str | None = None,
    title_en: str | None = None,
    description: str | None = None,
    description_en: str | None = None,
    weight: Any = None,
    independent: bool | None = None,
    descriptors: Mapping[str, Mapping[str, str | None]] | None = None,
    weights: Mapping[Any, Any] | None = None,
    by: User | None,
    version: object = None,
) -> Criterion:
    """Change one criterion: code, titles, descriptions, weight, 'independent', descriptors.

    ``None`` leaves a field as it is; ``descriptors`` replaces all of them (empty texts removed).
    ``weights`` (criterion id -> typed weight) rebalances other criteria in the same change. The
    counted weights must total 100 afterwards; everything is checked before anything changes. A
    change of weights or of 'independent' recomputes every sheet's total; the change is logged.
    ``version``: as ``update_criteria``.
    """
    rubric = criterion.rubric
    _require_editable(rubric)
    new: dict[str, Any] = {}
    if code is not None:
        new["code"] = _clean_code(rubric, code, criterion)
    if title is not None:
        new["title"] = _clean_text(title, required=_("Nama kriteria"), limit=TITLE_MAX, field="title")
    if title_en is not None:
        new["title_en"] = _clean_text(title_en, limit=TITLE_MAX, field="title_en")
    if description is not None:
        new["description"] = _clean_text(description)
    if description_en is not None:
        new["description_en"] = _clean_text(description_en)
    if independent is not None:
        new["independent"] = bool(independent)
    others = _parse_weights(rubric, weights)
    if weight is not None:
        others[criterion.id] = _decimal(weight, _("Bobot %(c)s", c=new.get("title", criterion.title)),
                                        Decimal(0), totals.HUNDRED)
    cleaned = _clean_descriptors(rubric, descriptors) if descriptors is not None else None
    _require_hundred(
        others.get(c.id, c.weight) for c in rubric.criteria
        if not (new.get("independent", c.independent) if c is criterion else c.independent)
    )

    before = snapshot(criterion, CRITERION_FIELDS)
    old_code = criterion.code
    weights_before = {c.id: (c.weight, c.independent) for c in rubric.criteria}
    for name, value in new.items():
        setattr(criterion, name, value)
    changes: dict[str, list[Any]] = {}
    _apply_weights(rubric, {k: v for k, v in others.items() if k != criterion.id}, changes)
    if criterion.id in others:
        criterion.weight = others[criterion.id]
    changes.update(diff(criterion, CRITERION_FIELDS, before))
    if cleaned is not None:
        changes.update(_descriptor_changes(criterion.descriptors or {}, cleaned))
        criterion.descriptors = cleaned  # a new dict: the JSON column sees the change
    if not changes:
        return criterion  # nothing changed, nothing logged
    claim(rubric, version, required=version is not None)
    db.session.flush()
    recomputed = 0
    if weights_before != {c.id: (c.weight, c.independent) for c in rubric.criteria}:
        recomputed = recompute_totals(rubric, by=by)
    record("judging.criterion_update", actor=by, obj=rubric, changes=changes,
           summary=say_n("Kriteria %(criterion)s di %(rubric)s diubah; %(num)d total nilai dihitung ulang",
                         "Kriteria %(criterion)s di %(rubric)s diubah; %(num)d total nilai dihitung ulang",
                         recomputed, criterion=old_code, rubric=rubric.name))
    mark_rubric_changed(rubric)
    return criterion


def remove_criterion(criterion: Criterion, *, by: User, version: object = None) -> None:
    """Refused when any judge has scored it; otherwise removed (weights must still total 100).
    ``version``: as ``update_criteria``."""
    rubric = criterion.rubric
    _require_editable(rubric)
    used = db.session.scalar(select(func.count(Score.id)).where(Score.criterion_id == criterion.id,
                                                                Score.value.is_not(None)))
    if used:
        raise JudgingError(_("Kriteria %(c)s sudah dinilai juri (%(n)d nilai) dan tidak dapat dihapus.",
                             c=criterion.title, n=used))
    remaining = [c for c in rubric.criteria if c.id != criterion.id]
    total = totals.weights_total(c.weight for c in remaining if not c.independent)
    if total != totals.HUNDRED:
        raise JudgingError(_("Setelah kriteria ini dihapus, bobot berjumlah %(t)s, bukan 100. "
                             "Ubah bobot lebih dulu.", t=shown_weight(total)))
    claim(rubric, version, required=version is not None)
    # Empty (draft) scores of the criterion go with it.
    for score in db.session.scalars(select(Score).where(Score.criterion_id == criterion.id)):
        db.session.delete(score)
    rubric.criteria.remove(criterion)
    db.session.flush()
    recompute_totals(rubric, by=by)
    record("judging.criterion_remove", actor=by, obj=rubric,
           summary=say("Kriteria %(criterion)s dihapus dari %(rubric)s", criterion=criterion.title, rubric=rubric.name))
    mark_rubric_changed(rubric)
