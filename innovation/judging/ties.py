"""Ties that survive every automatic rule, and the chair's decision on them.

``statistics.rank`` breaks ties by five automatic rules (the chosen score, the other method's, the
heaviest criterion, fewer flags, earlier submission). Entries still equal after all five share a rank
and are *pending*: an internal id never decides. The chair (an admin) records the order with a
reason (``settle_tie``); the ranking applies the latest decision covering a tie (step 6), the results
show it with its reason, and the published snapshot keeps it.

A pending tie must be decided before publication when it touches an awarded place
(``blocking_ties``), and before advancement when it straddles the cut-off (``advancement``).
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from flask_babel import gettext as _

from innovation.audit.services import record, say
from innovation.auth.models import User
from innovation.extensions import db, utcnow
from innovation.judging import policy, results
from innovation.judging.errors import JudgingError
from innovation.judging.models import Round, TieDecision
from innovation.judging.result_types import EntryResult, RoundResults
from innovation.judging.results_cache import mark_changed


@dataclass
class TieGroup:
    """Entries sharing one overall rank after every automatic rule, with no decision yet."""

    rank: int
    entries: list[EntryResult]
    blocks_publication: bool  # an entry of it holds an awarded place whose label the tie leaves open


def _award_pending(found: RoundResults, entry: EntryResult) -> bool:
    per_category = found.awards.per_category if found.awards else True
    return entry.award is not None and (entry.category_pending_tie if per_category else entry.pending_tie)


def pending_ties(found: RoundResults) -> list[TieGroup]:
    """The result's undecided ties, by overall rank (a tie within a category is part of one of them:
    its entries are equal on every rule, so overall too)."""
    pending = [e for e in found.entries if e.pending_tie and e.scored]  # unscored entries are not ranked
    groups = []
    for rank, members in groupby(pending, key=lambda e: e.rank):
        members = list(members)
        groups.append(TieGroup(rank, members, any(_award_pending(found, e) for e in members)))
    return groups


def blocking_ties(found: RoundResults) -> list[TieGroup]:
    return [group for group in pending_ties(found) if group.blocks_publication]


def settle_tie(round_: Round, entry_ids: list[int], reason: str, *, by: User, aggregate: str = "mean",
               method: str = "raw") -> TieDecision:
    """Record the chair's order for one pending tie of the live result (ranked with ``aggregate`` and
    ``method``, as the admin saw it): ``entry_ids`` best first, exactly the tied entries."""
    policy.require_unpublished(round_, _("keputusan seri"))
    reason = policy.require_reason(reason, _("keputusan ketua atas nilai seri"))
    if len(entry_ids) < 2 or len(set(entry_ids)) != len(entry_ids):
        raise JudgingError(_("Tentukan urutan yang berbeda untuk setiap entri yang seri."), "order")
    found = results.cached_compute(round_, aggregate=aggregate, method=method)
    group = next((g for g in pending_ties(found) if entry_ids[0] in {e.id for e in g.entries}), None)
    if group is None or {e.id for e in group.entries} != set(entry_ids):
        raise JudgingError(_("Entri-entri ini tidak (lagi) seri setelah semua aturan otomatis; muat ulang "
                             "halaman hasil."))
    decision = TieDecision(round_id=round_.id, entry_ids=list(entry_ids), reason=reason, decided_by_id=by.id,
                           decided_at=utcnow())
    db.session.add(decision)
    db.session.flush()
    names = [found.entry(i).innovation for i in entry_ids]
    record("judging.tie_decision", actor=by, obj=round_,
           changes={"urutan": names, "alasan": reason, "peringkat": f"{found.method}/{found.aggregate}"},
           summary=say("Keputusan ketua atas nilai seri di %(round)s (peringkat %(rank)s): %(order)s; %(reason)s",
                       round=round_.name, rank=group.rank, order=" > ".join(names), reason=reason[:200]))
    mark_changed(round_)
    return decision
