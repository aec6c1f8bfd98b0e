"""Advancing a round's entries to the next round: the proposal, and the admin's confirmed list.

Administrative round: every entry that passed the admin's selection is proposed. Scored round: the
top N (``advance_top_n``, else ``rounds.DEFAULT_FINALISTS``), overall or per category
(``advance_per_category``), in the order of the round's results (``results.round_results``): the same
ranking, with the same aggregate, method and tie-break, as the results page and the published
snapshot. Once the round is published that is the snapshot's ranking; before, the aggregate and method
are the ones the admin picks on the advancement page, by default the results' (mean, raw), and the
page names them.

- The automatic tie-break rules decide most ties; entries whose chosen score is equal (at two
  decimals) on both sides of the cut-off are flagged ``at_cutoff_tie`` so the admin sees it.
- A tie that survives every automatic rule across the cut-off (``undecided``) is the chair's to settle
  (``ties.settle_tie``, shown in the results): advancing is refused until then.
- Advancing is refused while the event's entries can still change (submissions or an extension open),
  unless the admin writes why not wait (``rounds.require_entries_settled``, in the audit log).
- Out of a published round, a choice other than the proposal (the official ranking) needs a written
  reason, kept with each decision and in the audit log.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _

from innovation.audit.services import record, say_n
from innovation.auth.models import User
from innovation.extensions import db, utcnow
from innovation.judging import policy, results
from innovation.judging.errors import JudgingError
from innovation.judging.models import Round, RoundEntry, RoundEntryStatus, RoundKind
from innovation.judging.result_types import EntryResult
from innovation.judging.results_cache import mark_changed
from innovation.judging.rounds import DEFAULT_FINALISTS, next_round, require_entries_settled, round_entries
from innovation.numbers import format_number, page_locale


@dataclass
class ProposalRow:
    round_entry: RoundEntry
    result: EntryResult | None = None  # the entry's results (a scored round)
    rank: int | None = None  # within its group (overall or its category); None without a submitted sheet
    group: str = ""  # the category's name when the top N are per category
    proposed: bool = False
    tied: bool = False  # its chosen score equals a neighbour's: the tie-break decided between them
    at_cutoff_tie: bool = False  # such a tie across the cut-off (the admin sees it)
    undecided: bool = False  # equal after every automatic rule across the cut-off: the chair must decide

    @property
    def score(self) -> Decimal | None:
        """The chosen method's figure, what the round is ranked by."""
        return self.result.score if self.result else None

    @property
    def judges(self) -> int:
        return self.result.judges if self.result else 0


@dataclass
class Proposal:
    rows: list[ProposalRow]
    aggregate: str = "mean"
    method: str = "raw"
    published: bool = False  # the published snapshot's ranking (its aggregate and method)
    top_n: int = DEFAULT_FINALISTS
    per_category: bool = False


def _tied(step: int | None) -> bool:
    """The tie-break rule that separated two neighbours was a later one than the chosen score."""
    return step is not None and step > 1


def _group_rows(ranked: list[EntryResult], by_entry: dict[int, RoundEntry], n: int, group: str,
                per_category: bool) -> list[ProposalRow]:
    scored = [e for e in ranked if e.scored and e.id in by_entry]
    rows = [ProposalRow(by_entry[e.id], e, rank=e.category_rank if per_category else e.rank, group=group,
                        proposed=position <= n) for position, e in enumerate(scored, start=1)]
    steps = [e.category_tie_step if per_category else e.tie_step for e in scored]
    pending = [e.category_pending_tie if per_category else e.pending_tie for e in scored]
    for i in range(1, len(rows)):
        if _tied(steps[i]) or (pending[i] and rows[i].rank == rows[i - 1].rank):
            rows[i - 1].tied = rows[i].tied = True
    # an undecided tie straddling the cut-off: its entries share a rank at or above n, some below n
    sizes = Counter(row.rank for row, is_pending in zip(rows, pending) if is_pending)
    for row, is_pending in zip(rows, pending):
        if is_pending and row.rank <= n < row.rank + sizes[row.rank] - 1:
            row.undecided = row.at_cutoff_tie = True
    if len(rows) > n and _tied(steps[n]):  # the first one out ties with the last one in
        low, high = n - 1, n
        while low > 0 and _tied(steps[low]):
            low -= 1
        while high + 1 < len(rows) and _tied(steps[high + 1]):
            high += 1
        for row in rows[low:high + 1]:
            row.at_cutoff_tie = True
    rows += [ProposalRow(by_entry[e.id], e, group=group) for e in ranked if not e.scored and e.id in by_entry]
    return rows


def advancement_proposal(round_: Round, *, aggregate: str = "mean", method: str = "raw") -> Proposal:
    """Who would go to the next round, and why (see the module docstring)."""
    entries = round_entries(round_)
    if round_.kind == RoundKind.ADMINISTRASI:
        return Proposal([ProposalRow(re, proposed=re.status == RoundEntryStatus.PASSED) for re in entries])
    found, snapshot = results.round_results(round_, aggregate=aggregate, method=method)
    by_entry = {re.entry_id: re for re in entries}
    n = round_.advance_top_n or DEFAULT_FINALISTS
    if round_.advance_per_category:
        groups = [(c.name, [found.entry(i) for i in c.ranking]) for c in found.categories]
    else:
        groups = [("", [found.entry(i) for i in found.overall])]
    rows = [row for name, ranked in groups
            for row in _group_rows(ranked, by_entry, n, name, round_.advance_per_category)]
    ranked_ids = {row.round_entry.entry_id for row in rows}
    rows += [ProposalRow(re) for re in entries if re.entry_id not in ranked_ids]  # entered after publication
    return Proposal(rows, found.aggregate, found.method, published=snapshot is not None, top_n=n,
                    per_category=round_.advance_per_category)


def advance(round_: Round, entry_ids: set[int], *, by: User, aggregate: str = "mean", method: str = "raw",
            now: datetime | None = None, override_reason: str | None = None,
            deviation_reason: str | None = None) -> list[RoundEntry]:
    """The admin's confirmed list: chosen entries go to the next round, the rest are eliminated.

    ``entry_ids``: Entry ids chosen (the confirmed proposal, maybe adjusted at the cut-off), ranked with
    ``aggregate`` and ``method`` as the proposal was. Each decision keeps its reason (rank and score,
    or the administrative decision), and is logged. ``override_reason``: why advance while the event's
    entries can still change; ``deviation_reason``: why a published round's choice differs from its
    official ranking (see the module docstring).
    """
    target = next_round(round_)
    if target is None:
        raise JudgingError(_("Tidak ada babak berikutnya. Tambahkan babak dulu."))
    found = advancement_proposal(round_, aggregate=aggregate, method=method)
    proposal = {row.round_entry.entry_id: row for row in found.rows}
    unknown = entry_ids - proposal.keys()
    if unknown:
        raise JudgingError(_("Sebagian entri yang dipilih bukan peserta babak ini."))
    if not entry_ids:
        raise JudgingError(_("Pilih minimal satu entri yang lolos."))
    if round_.kind == RoundKind.ADMINISTRASI:
        pending = [r for r in proposal.values() if r.round_entry.status == RoundEntryStatus.PENDING]
        if pending:
            raise JudgingError(_("Masih ada %(n)d entri yang belum diputuskan di seleksi administrasi.", n=len(pending)))
        failed = [proposal[i] for i in entry_ids if proposal[i].round_entry.status == RoundEntryStatus.FAILED]
        if failed:
            raise JudgingError(_("Entri yang tidak lolos seleksi administrasi tidak dapat diteruskan."))
    elif any(proposal[i].score is None for i in entry_ids):
        raise JudgingError(_("Entri tanpa nilai terkirim tidak dapat diteruskan."))
    if round_entries(target):
        raise JudgingError(_("Babak %(name)s sudah berisi entri; keputusan lolos sudah dibuat.", name=target.name))
    undecided = [row for row in found.rows if row.undecided]
    if undecided:
        raise JudgingError(_("%(names)s seri di batas lolos setelah semua aturan otomatis. Catat keputusan ketua "
                             "atas urutannya di halaman hasil dulu.",
                             names=" = ".join(row.round_entry.entry.innovation.nama for row in undecided)))
    deviation = None
    if found.published and entry_ids != {row.round_entry.entry_id for row in found.rows if row.proposed}:
        deviation = policy.require_reason(deviation_reason, _("memilih berbeda dari peringkat resmi"),
                                          "deviation_reason")
    early = require_entries_settled(round_, _("menetapkan yang lolos"), override_reason, now)
    now = now or utcnow()
    locale = page_locale()
    moved = []
    names = []
    for entry_id, row in proposal.items():
        re_ = row.round_entry
        chosen = entry_id in entry_ids
        if round_.kind == RoundKind.ADMINISTRASI:
            why = re_.decision_reason
        else:
            why = _("Peringkat %(rank)s, nilai %(score)s (%(method)s) dari %(n)d juri", rank=row.rank or "-",
                    score=format_number(row.score, 2, locale) if row.score is not None else "-",
                    method=_method_words(found.method, found.aggregate), n=row.judges)
            if row.tied:
                why += " (" + _("seri") + ")"
            if deviation and chosen != row.proposed:
                why += "; " + _("berbeda dari peringkat resmi: %(reason)s", reason=deviation)
        re_.status = RoundEntryStatus.ADVANCED if chosen else RoundEntryStatus.ELIMINATED
        re_.decision_reason = str(why)[:2000]
        re_.decided_by_id = by.id
        re_.decided_at = now
        if chosen:
            moved.append(RoundEntry(round=target, entry=re_.entry))
            names.append(f"{re_.entry.innovation.nama} ({why})")
    db.session.add_all(moved)
    db.session.flush()
    changes = {"lolos": sorted(entry_ids), "tidak_lolos": sorted(proposal.keys() - entry_ids)}
    if round_.kind != RoundKind.ADMINISTRASI:
        changes["peringkat"] = f"{found.method}/{found.aggregate}"
    if deviation:
        changes["berbeda_dari_peringkat_resmi"] = deviation
    if early:
        changes["sebelum_pendaftaran_ditutup"] = early
    record("judging.advance", actor=by, obj=round_, changes=changes,
           summary=say_n("%(num)d entri lolos dari %(round)s ke %(target)s: %(entries)s",
                         "%(num)d entri lolos dari %(round)s ke %(target)s: %(entries)s",
                         len(moved), round=round_.name, target=target.name, entries="; ".join(names)))
    mark_changed(target)
    return moved


def _method_words(method: str, aggregate: str) -> str:
    """The ranking's basis in words, as the pages name it."""
    aggregate_words = {"median": _("median"), "trimmed": _("rata-rata terpangkas")}.get(aggregate, _("rata-rata"))
    return _("%(aggregate)s, normalisasi", aggregate=aggregate_words) if method == "normalised" else aggregate_words
