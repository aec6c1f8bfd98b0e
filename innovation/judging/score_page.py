"""The judge's score page as plain values, built once per view.

The page is the entry's whole dossier beside the form: the profile's long texts, the 20-indicator
table, the readiness checklist, about 40 evidence items and the rubric with its level descriptors.
Its answers, evidence and scores are read as plain rows (no ORM objects: building ~60 of them per view
cost more than the rest of the data) and what the template would otherwise compute per item (a
``url_for`` and a translation per evidence item, a model call per descriptor level, a lazy load of
the scores) is computed here once (docs/PERFORMANCE.md).

In a blind round the entrant OPD stays hidden: its name and the operator's are not shown, files get
neutral names, and the title, the profile's texts and link titles have every mention of the OPD's
name or code masked (``innovations.mentions``; ``shown_texts``).
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
from innovation.innovations.mentions import PROFILE_TEXTS, mask, terms_for
from innovation.innovations.models import Innovation
from innovation.innovations.services import (
    EvidenceRow,
    assess_values,
    claims_by_id,
    current_evidence_rows,
    profile_values,
)
from innovation.judging.models import Assignment, Round, RoundEntry, Rubric, Score, ScoreSheet
from innovation.orgs.models import Opd


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
    saved: str | None = None  # after a refused stale save: the value saved meanwhile, when it differs


def neutral_evidence_name(evidence_id: int, indicator_no: int | None, profile_slot: str | None,
                          extension: str | None) -> str:
    """A file's name in a blind round: no OPD or operator names leak through it."""
    where = f"indikator-{indicator_no}" if indicator_no is not None else (profile_slot or "profil")
    return f"bukti-{where}-{evidence_id}.{extension or 'tautan'}"


def masked_label() -> str:
    return _("[OPD disamarkan]")


def blind_terms(opd: Opd) -> tuple[str, ...]:
    """What a judge of a blind round must not read: the entrant OPD's name and code."""
    return terms_for(opd.name, opd.code)


def shown_texts(innovation: Innovation, opd: Opd, blind: bool) -> dict[str, str]:
    """The title and profile texts as the judge reads them: OPD mentions masked in a blind round."""
    texts = {name: getattr(innovation, name) or "" for name in PROFILE_TEXTS}
    if blind:
        terms, label = blind_terms(opd), masked_label()
        texts = {name: mask(text, terms, label) for name, text in texts.items()}
    return texts


def evidence_items(round_entry: RoundEntry, rows: list[EvidenceRow], blind: bool,
                   terms: tuple[str, ...] = ()) -> list[EvidenceItem]:
    """One url_for and three translations for the whole list, not per item. ``terms``: what a blind
    round masks in link titles."""
    base = url_for("judging.evidence_file", round_entry_id=round_entry.id, evidence_id=0)[:-1]
    indicator, profile, link = _("Indikator %(n)s"), _("Profil"), _("tautan")
    out = []
    for row in rows:
        label = indicator % {"n": row.indicator_no} if row.indicator_no else profile
        if not row.is_file:
            title = mask(row.title, terms, masked_label()) if blind and row.title else row.title
            out.append(EvidenceItem(label, "", False, False, False, "", "", row.url, title or link))
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


def _plain(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def criterion_rows(rubric: Rubric, saved: dict[int, tuple[Decimal | None, str]],
                   typed: dict[str, Any] | None, locale: str, stale: bool = False) -> list[CriterionRow]:
    """The form's criteria: titles, descriptions and level descriptors in ``locale`` (Indonesian where
    the English text is empty), with the typed values after a refused submit, else the saved ones.
    ``stale``: the submit was refused because another tab saved meanwhile; each row also carries the
    value saved there when it differs from the one typed."""
    rows = []
    levels = range(rubric.scale_min, rubric.scale_max + 1)
    for c in rubric.criteria:
        descriptors = [(level, text) for level in levels if (text := c.descriptor(level, locale))]
        other = None
        if typed is not None:
            value, comment = typed["scores"].get(c.id, ""), typed["comments"].get(c.id, "")
            if stale:
                stored = _plain(saved.get(c.id, (None, ""))[0])
                if _as_number(stored) != _as_number(value):
                    other = stored or "—"
        else:
            saved_value, comment = saved.get(c.id, (None, ""))
            value = _plain(saved_value)
        rows.append(CriterionRow(
            c.id, c.title_in(locale), c.description_in(locale),
            c.weight, c.independent, descriptors, value, comment, other,
        ))
    return rows


def _as_number(text: str) -> Decimal | str | None:
    """A typed score as a number to compare ("4" equals "4.00"), the text itself when it is none."""
    text = (text or "").strip()
    try:
        return Decimal(text.replace(",", ".")) if text else None
    except ArithmeticError:
        return text


def score_page_context(round_entry: RoundEntry, assignment: Assignment | None,
                       typed: dict[str, Any] | None = None, stale: Any = None) -> dict[str, Any]:
    """Everything ``judging/score.html`` shows. ``typed``: the refused submit's values
    (``{"scores": {criterion id: text}, "comments": {...}, "overall": text}``); ``stale``: the
    ``concurrency.StaleEdit`` that refused it, when another tab saved meanwhile."""
    innovation = round_entry.entry.innovation
    round_ = round_entry.round
    evidence = current_evidence_rows(innovation.id)
    claims = claims_by_id(innovation.id)
    evidence_nos = {row.indicator_no for row in evidence if row.indicator_no is not None}
    sheet = assignment.sheet if assignment else None
    terms = blind_terms(round_entry.entry.opd) if round_.blind else ()
    return {
        "evidence_items": evidence_items(round_entry, evidence, round_.blind, terms),
        "criteria": criterion_rows(round_.rubric, saved_scores(sheet), typed, str(get_locale()), stale is not None),
        "round_entry": round_entry, "round": round_, "entry": round_entry.entry, "innovation": innovation,
        "texts": shown_texts(innovation, round_entry.entry.opd, round_.blind),
        "assessment": assess_values(innovation.rules, profile_values(innovation), claims, evidence_nos),
        "rules": innovation.rules, "assignment": assignment, "sheet": sheet, "typed": typed,
        "rubric": round_.rubric, "blind": round_.blind, "stale": stale,
        "version": stale.current_version if stale is not None else (sheet.version if sheet is not None else ""),
    }

