"""A published edition as the public may download it, and the checksum anyone can recompute.

A snapshot's payload, which its official checksum covers, also names each judge (name and login) beside
every score and comment; the operator pages keep judges anonymous ("Juri 1"), so the public file is the
payload with the judges' names, logins and the written comments taken out, and everything that computes
the result (every score of every criterion by every judge label, weights, methods, ranks) left in. Its
checksum is the sha256 of exactly those bytes (canonical JSON: keys sorted, no spaces, UTF-8): the one
an outsider can recompute, so it is the one the certificates, the verification page and the draft decree
print (docs/VERIFYING_RESULTS.md, docs/recompute_results.py). The official checksum of the full snapshot
is inside the file, for the region's own records.
"""
from __future__ import annotations

import copy
import hashlib
from typing import Any

from innovation.judging.models import ResultSnapshot
from innovation.judging.results import canonical_json

PUBLIC_PAYLOAD_NOTE = ("Published results without the judges' names, logins and written comments; "
                       "judges appear by their label.")


def public_payload(snapshot: ResultSnapshot) -> dict[str, Any]:
    """The snapshot's payload without judges' names, logins and comments (see the module's docstring)."""
    payload = copy.deepcopy(snapshot.payload)
    for judge in payload.get("judges", []):
        judge.pop("name", None)
        judge.pop("username", None)
    for entry in payload.get("entries", []):
        for sheet in entry.get("sheets", []):
            sheet.pop("comment", None)
            for score in sheet.get("scores", []):
                score.pop("comment", None)
    return {"note": PUBLIC_PAYLOAD_NOTE, "snapshot_id": snapshot.id, "official_checksum": snapshot.checksum,
            "results": payload}


def public_json(snapshot: ResultSnapshot) -> bytes:
    return canonical_json(public_payload(snapshot))


def public_checksum(snapshot: ResultSnapshot) -> str:
    return hashlib.sha256(public_json(snapshot)).hexdigest()
