"""The judge's score page as plain values, built once per view.

The page is the entry's whole dossier beside the form: the profile's long texts, the 20-indicator
table, the readiness checklist, about 40 evidence items and the rubric with its level descriptors.
Its answers, evidence and scores are read as plain rows (no ORM objects: building ~60 of them per view
cost more than the rest of the data) and what the template would otherwise compute per item (a
``url_for`` and a translation per evidence item, a model call per descriptor level, a lazy load of
the scores) is computed here once (docs/PERFORMANCE.md).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload, lazyload

from innovation.events.models import Category, Entry
from innovation.extensions import db
from innovation.innovations.models import Innovation
from innovation.innovations.services import (
    EvidenceRow,
    assess_values,
    claims_by_id,
    current_evidence_rows,
    profile_values,
)
from innovation.judging.models import Assignment, Round, RoundEntry, Rubric, Score, ScoreSheet


@dataclass(frozen=True)
class EvidenceItem:
    """One evidence item as the page lists it."""

    label: str
    name: str  # the file's name, or a neutral one in a blind round
    is_file: bool
    inline: bool  # PDF or image: shown in the page
    pdf: bool
    view: str  # the file in the page / a new tab
    download: str
    url: str | None  # a link's address
    title: str


@dataclass(frozen=True)
class CriterionRow:
    """One criterion of the form, in the page's language, with the judge's value and comment."""

    id: int
    title: str
    description: str
    weight: Decimal
    independent: bool
    descriptors: list[tuple[int, str]]  # (level, what it means), levels without text left out
    value: str  # as typed, or as saved ("" when none)
    comment: str


def neutral_evidence_name(evidence_id: int, indicator_no: int | None, profile_slot: str | None,
                          extension: str | None) -> str:
    """A file's name in a blind round: no OPD or operator names leak through it."""
    where = f"indikator-{indicator_no}" if indicator_no is not None else (profile_slot or "profil")
    return f"bukti-{where}-{evidence_id}.{extension or 'tautan'}"


def evidence_items(round_entry: RoundEntry, rows: list[EvidenceRow], blind: bool) -> list[EvidenceItem]:
    """One url_for and three translations for the whole list, not per item."""
    base = url_for("judging.evidence_file", round_entry_id=round_entry.id, evidence_id=0)[:-1]
    indicator, profile, link = _("Indikator %(n)s"), _("Profil"), _("tautan")
    out = []
    for row in rows:
        label = indicator % {"n": row.indicator_no} if row.indicator_no else profile
        if not row.is_file:
            out.append(EvidenceItem(label, "", False, False, False, "", "", row.url, row.title or link))
            continue
        inline = row.is_inline_viewable
        name = neutral_evidence_name(row.id, row.indicator_no, row.profile_slot, row.file_extension) if blind \
            else row.file_name
        out.append(EvidenceItem(label, name, True, inline, row.file_extension == "pdf",
                                f"{base}{row.id}?inline={1 if inline else 0}", f"{base}{row.id}", None, ""))
    return out


@cache
def _round_entry_statement() -> Select:
    """Built once: the options tree costs about a millisecond to build and key on every view, and a
    statement object keeps its cache key. Built on first use, when the mappers are configured."""
    return select(RoundEntry).where(RoundEntry.id == bindparam("round_entry_id")).options(
        lazyload(RoundEntry.decided_by),
        joinedload(RoundEntry.round, innerjoin=True).options(
            lazyload(Round.event),
            joinedload(Round.rubric).selectinload(Rubric.criteria),
        ),
        joinedload(RoundEntry.entry, innerjoin=True).options(
            lazyload(Entry.event),
            joinedload(Entry.innovation, innerjoin=True).lazyload(Innovation.opd),
            joinedload(Entry.category, innerjoin=True).load_only(Category.id, Category.name),
            joinedload(Entry.opd, innerjoin=True),
        ),
    )


def round_entry_for_judging(round_entry_id: int) -> RoundEntry | None:
    """A round entry as the score sheet shows it, in two statements: the round with its rubric, the
    entry with its innovation (whole: the page shows its texts), category and OPD; the criteria.
    The event, the decision's author and the innovation's OPD are not needed and not joined."""
    return db.session.scalar(_round_entry_statement(), {"round_entry_id": round_entry_id})


@cache
def _scores_statement() -> Select:
    """A sheet's scores without their criterion (the page has the rubric's criteria already)."""
    return select(Score.criterion_id, Score.value, Score.comment).where(Score.sheet_id == bindparam("sheet_id"))


def saved_scores(sheet: ScoreSheet | None) -> dict[int, tuple[Decimal | None, str]]:
    """criterion id -> (value, comment) of a saved sheet."""
    if sheet is None or sheet.id is None:
        return {}
    return {criterion_id: (value, comment or "")
            for criterion_id, value, comment in db.session.execute(_scores_statement(), {"sheet_id": sheet.id})}


def criterion_rows(rubric: Rubric, saved: dict[int, tuple[Decimal | None, str]],
                   typed: dict[str, Any] | None, locale: str) -> list[CriterionRow]:
    """The form's criteria: titles, descriptions and level descriptors in ``locale`` (Indonesian where
    the English text is empty), with the typed values after a refused submit, else the saved ones."""
    rows = []
    levels = range(rubric.scale_min, rubric.scale_max + 1)
    for c in rubric.criteria:
        descriptors = [(level, text) for level in levels if (text := c.descriptor(level, locale))]
        if typed is not None:
            value, comment = typed["scores"].get(c.id, ""), typed["comments"].get(c.id, "")
        else:
            saved_value, comment = saved.get(c.id, (None, ""))
            value = "" if saved_value is None else str(saved_value)
        rows.append(CriterionRow(
            c.id, c.title_in(locale), c.description_in(locale),
            c.weight, c.independent, descriptors, value, comment,
        ))
    return rows


def score_page_context(round_entry: RoundEntry, assignment: Assignment | None,
                       typed: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything ``judging/score.html`` shows. ``typed``: the refused submit's values
    (``{"scores": {criterion id: text}, "comments": {...}, "overall": text}``)."""
    innovation = round_entry.entry.innovation
    round_ = round_entry.round
    evidence = current_evidence_rows(innovation.id)
    claims = claims_by_id(innovation.id)
    evidence_nos = {row.indicator_no for row in evidence if row.indicator_no is not None}
    sheet = assignment.sheet if assignment else None
    return {
        "evidence_items": evidence_items(round_entry, evidence, round_.blind),
        "criteria": criterion_rows(round_.rubric, saved_scores(sheet), typed, str(get_locale())),
        "round_entry": round_entry, "round": round_, "entry": round_entry.entry, "innovation": innovation,
        "assessment": assess_values(innovation.rules, profile_values(innovation), claims, evidence_nos),
        "rules": innovation.rules, "assignment": assignment, "sheet": sheet, "typed": typed,
        "rubric": round_.rubric, "blind": round_.blind,
    }

