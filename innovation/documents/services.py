"""Making an edition's documents: the inputs each one needs from the settings, the register and storage.

A certificate's verification address is the caller's (a view passes ``url_for`` of the public page),
so this module stays free of requests.
"""
from __future__ import annotations

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
from innovation.judging import publication
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
    issued = numbering.issue(snapshot).get(entry.id)
    if issued is None:
        raise DocumentError(_("Nomor sertifikat tidak dapat dibuat dengan format nomor acara ini; periksa "
                              "format nomor di pengaturan dokumen."))
    settings = settings_of(snapshot)
    inputs = CertificateInputs(issuer=settings.issuer, logo=logo_bytes(settings), place=settings.place,
                               signers=document_settings.signatories(settings), number=issued.number,
                               verify_url=verify_url(issued.number), checksum=public_checksum(snapshot))
    found = judging_results.published_results(snapshot)
    if entry.winner:
        return certificate_pdf(found, entry, inputs), "sertifikat"
    return participation_pdf(found, entry, inputs), "sertifikat-partisipasi"


def minutes_inputs(snapshot: ResultSnapshot) -> MinutesInputs:
    settings = settings_of(snapshot)
    reopenings = [Reopening(e.edition, e.reopened_at, e.reopen_reason or "")
                  for e in publication.editions(db.session.get(Round, snapshot.round_id))
                  if e.reopened_at is not None and e.edition < snapshot.edition]
    return MinutesInputs(settings.issuer, logo_bytes(settings), settings.place, snapshot.checksum, reopenings)


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
