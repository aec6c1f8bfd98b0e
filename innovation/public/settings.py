"""What is public: reading the admin's choice (once per request) and changing it.

``public_fields()`` is the one answer every public reader asks (the showcase pages, open data, the
sitemap, the read API without a token): the always-public fields plus the admin's choice.
"""
from __future__ import annotations

from flask import has_request_context, request
from flask_babel import gettext as _

from innovation.audit.services import record, say
from innovation.concurrency import claim
from innovation.errors import DomainError
from innovation.extensions import db, utcnow
from innovation.public import fields as catalogue
from innovation.public.models import SETTINGS_ID, PublicSettings

_KEY = "innovation.public_settings"  # per request (not ``g``: an app context may serve several requests)


class PublicError(DomainError):
    """A broken rule of the public side (settings, evidence publication)."""


def load_settings() -> PublicSettings:
    """The settings row (made by the migration), or an unsaved row with the defaults if it is gone."""
    settings = db.session.get(PublicSettings, SETTINGS_ID)
    if settings is None:
        settings = PublicSettings(id=SETTINGS_ID, fields=list(catalogue.DEFAULT_FIELDS),
                                  licence=catalogue.DEFAULT_LICENCE, version=1)
    return settings


def public_fields() -> frozenset[str]:
    """The codes of the fields the public sees now (read once per request)."""
    cached = request.environ.get(_KEY) if has_request_context() else None
    if cached is None:
        settings = load_settings()
        cached = (frozenset(f.code for f in catalogue.FIELDS if f.always) | frozenset(catalogue.clean_codes(settings.fields)),
                  catalogue.LICENCE_BY_CODE.get(settings.licence) or catalogue.LICENCE_BY_CODE[catalogue.DEFAULT_LICENCE])
        if has_request_context():
            request.environ[_KEY] = cached
    return cached[0]


def licence() -> catalogue.Licence:
    """The open data licence in force."""
    public_fields()
    cached = request.environ.get(_KEY) if has_request_context() else None
    if cached is not None:
        return cached[1]
    settings = load_settings()
    return catalogue.LICENCE_BY_CODE.get(settings.licence) or catalogue.LICENCE_BY_CODE[catalogue.DEFAULT_LICENCE]


def update_settings(settings: PublicSettings, *, fields: list[str], licence_code: str, version: object,
                    by) -> dict[str, list]:
    """Save the admin's choice (refused if someone saved since the form was loaded); returns the changes."""
    chosen = catalogue.clean_codes(fields)
    if set(fields or ()) - {f.code for f in catalogue.CHOOSABLE}:
        raise PublicError(_("Ada kolom yang tidak dikenal; muat ulang halaman lalu pilih lagi."), "fields")
    if licence_code not in catalogue.LICENCE_BY_CODE:
        raise PublicError(_("Pilih salah satu lisensi yang tersedia."), "licence")
    before = {"fields": list(settings.fields or []), "licence": settings.licence}
    after = {"fields": chosen, "licence": licence_code}
    changes = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
    if not changes:
        return {}
    if settings not in db.session:
        db.session.add(settings)
        db.session.flush()
    claim(settings, version)
    settings.fields = chosen
    settings.licence = licence_code
    settings.updated_at = utcnow()
    settings.updated_by_id = by.id
    record("public.settings", actor=by, obj=settings, summary=say("Pengaturan data publik diubah"), changes=changes)
    if has_request_context():
        request.environ.pop(_KEY, None)
    return changes
