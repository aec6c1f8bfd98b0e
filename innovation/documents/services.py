"""Making an edition's documents: the inputs each one needs from the settings, the register and storage.

A certificate's verification address is the caller's (a view passes ``url_for`` of the public page),
so this module stays free of requests.
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Callable

from flask_babel import gettext as _

from innovation.documents import numbering
from innovation.documents import settings as document_settings
from innovation.documents.certificates import CertificateInputs, certificate_pdf, participation_pdf
from innovation.documents.decree import DecreeInputs, write_decree
from innovation.documents.minutes import MinutesInputs, Reopening, minutes_pdf, recap_pdf
from innovation.documents.models import DocumentSettings
from innovation.documents.settings import DocumentError
from innovation.extensions import db
from innovation.judging import panels, publication
from innovation.judging.public_file import public_checksum
from innovation.judging import results as judging_results
from innovation.judging.models import ResultSnapshot, Round
from innovation.judging.result_types import EntryResult
from innovation.storage import get_storage

LOGO_MAX = 5 * 1024 * 1024


def logo_bytes(settings: DocumentSettings) -> bytes | None:
    """The uploaded logo's bytes, or None (the documents then draw the default emblem)."""
    if settings.logo is None:
        return None
    data = bytearray()
    for chunk in get_storage().open_chunks(settings.logo.key):
        data.extend(chunk)
        if len(data) > LOGO_MAX:
            return None
    return bytes(data)


def settings_of(snapshot: ResultSnapshot) -> DocumentSettings:
    return document_settings.load(db.session.get(Round, snapshot.round_id).event)


def certificate(snapshot: ResultSnapshot, entry: EntryResult, *, verify_url: Callable[[str], str]
                ) -> tuple[bytes, str]:
    """The entry's certificate (PDF bytes) and its kind ("sertifikat" or "sertifikat-partisipasi"),
    numbered from the register (issued now for the whole edition if it was not yet)."""
    return next(_certificates(snapshot, [entry], verify_url))[1:]


def _certificates(snapshot: ResultSnapshot, entries: list[EntryResult], verify_url: Callable[[str], str]):
    issued = numbering.issue(snapshot)
    if any(entry.id not in issued for entry in entries):
        raise DocumentError(_("Nomor sertifikat tidak dapat dibuat dengan format nomor acara ini; periksa "
                              "format nomor di pengaturan dokumen."))
    settings = settings_of(snapshot)
    logo, signers, checksum = logo_bytes(settings), document_settings.signatories(settings), public_checksum(snapshot)
    found = judging_results.published_results(snapshot)
    for entry in entries:
        number = issued[entry.id].number
        inputs = CertificateInputs(issuer=settings.issuer, logo=logo, place=settings.place, signers=signers,
                                   number=number, verify_url=verify_url(number), checksum=checksum)
        if entry.winner:
            yield entry, certificate_pdf(found, entry, inputs), "sertifikat"
        else:
            yield entry, participation_pdf(found, entry, inputs), "sertifikat-partisipasi"


def write_certificates_zip(snapshot: ResultSnapshot, stream, *, verify_url: Callable[[str], str],
                           winners_only: bool = False) -> int:
    """Every certificate of the edition (or only the winners'), one PDF each, in a ZIP written to ``stream``,
    named by kind, category rank and innovation so the office prints them in order; returns how many."""
    found = judging_results.published_results(snapshot)
    entries = [found.entry(i) for c in found.categories for i in c.ranking]
    entries = [e for e in entries if e is not None and e.scored and (e.winner or not winners_only)]
    count = 0
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
        for entry, data, kind in _certificates(snapshot, entries, verify_url):
            name = re.sub(r"[^A-Za-z0-9]+", "-", f"{entry.category}-{entry.category_rank:02d}-{entry.innovation}")
            archive.writestr(f"{kind}/{name.strip('-')[:100]}-{entry.id}.pdf", data)
            count += 1
    return count


def minutes_inputs(snapshot: ResultSnapshot) -> MinutesInputs:
    settings = settings_of(snapshot)
    reopenings = [Reopening(e.edition, e.reopened_at, e.reopen_reason or "")
                  for e in publication.editions(db.session.get(Round, snapshot.round_id))
                  if e.reopened_at is not None and e.edition < snapshot.edition]
    return MinutesInputs(settings.issuer, logo_bytes(settings), settings.place, snapshot.checksum, reopenings,
                         panel_roles(db.session.get(Round, snapshot.round_id)))


def panel_roles(round_: Round) -> dict[int, str]:
    """judge id -> "Anggota tim juri" or "Juri kategori <name>" (a judge on several categories: all of them)."""
    categories: dict[int, list[str]] = {}
    for member in panels.panel_of(round_):
        if member.category is not None:
            categories.setdefault(member.judge_id, []).append(member.category.name)
    return {judge_id: "Juri kategori " + ", ".join(names) for judge_id, names in categories.items()}


def minutes(snapshot: ResultSnapshot) -> bytes:
    """The edition's Berita Acara Penilaian (PDF)."""
    return minutes_pdf(judging_results.published_results(snapshot), minutes_inputs(snapshot))


def recap(snapshot: ResultSnapshot) -> bytes:
    """The edition's score recap (PDF)."""
    return recap_pdf(judging_results.published_results(snapshot), minutes_inputs(snapshot))


def current_snapshot(round_: Round) -> ResultSnapshot | None:
    """The round's current published edition, or None while it is not published."""
    return judging_results.latest_snapshot(round_) if round_.published_at is not None else None


def decree(snapshot: ResultSnapshot, stream) -> None:
    """The edition's draft decree naming the winners (DOCX) written to ``stream``."""
    settings = settings_of(snapshot)
    write_decree(judging_results.published_results(snapshot),
                 DecreeInputs(settings.decree_official, settings.place, public_checksum(snapshot)), stream)
