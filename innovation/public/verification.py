"""Verifying a certificate without logging in: its number (typed, or from the QR code) shows what the
register says was awarded to whom, in which published edition, with that edition's checksum, and
whether the edition still stands (a reopened edition's certificates are withdrawn, and the page says
when and why). A forged certificate with a real number shows a different name or award here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from innovation.documents import numbering
from innovation.documents.models import Certificate
from innovation.judging import results as judging_results
from innovation.judging.result_types import EntryResult, RoundResults
from innovation.judging.public_file import public_checksum
from innovation.public.results import published_snapshot


@dataclass(frozen=True)
class Verification:
    certificate: Certificate
    results: RoundResults
    entry: EntryResult
    valid: bool  # the edition is the current published one
    withdrawn_at: datetime | None
    withdrawn_reason: str | None
    public_file_id: int | None  # the edition's public results file, while it is published
    public_file_checksum: str  # what the certificate prints, recomputable from the public file


def verify(number: str) -> Verification | None:
    """What the register says of ``number``; None for a number it never issued."""
    found = numbering.by_number(number)
    if found is None:
        return None
    snapshot = found.snapshot
    results = judging_results.published_results(snapshot)
    entry = results.entry(found.entry_id)
    if entry is None:
        return None
    public = published_snapshot(snapshot.id)
    valid = public is not None and snapshot.reopened_at is None
    return Verification(found, results, entry, valid, snapshot.reopened_at, snapshot.reopen_reason,
                        public.id if public is not None else None, public_checksum(snapshot))
