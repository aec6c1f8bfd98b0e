"""API tokens: created by an admin with scopes, shown once, kept only as a hash, revocable, with the time of
their last use; and the scopes themselves. Operations flush and audit; views commit.

A token is ``iid_<prefix>_<secret>``: the prefix (8 characters) names it in lists, logs and the rate
limiter's key; the secret is 32 random bytes. Only sha256(token) is stored: a token carries 256 bits of
randomness, so (unlike a password) a slow hash adds nothing, and a lookup is one indexed equality.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from innovation.api.models import ApiToken
from innovation.audit.services import record, say
from innovation.errors import DomainError
from innovation.extensions import db, utcnow

TOKEN_START = "iid_"
LAST_USED_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often per token


@dataclass(frozen=True)
class Scope:
    code: str
    label: object


SCOPES: tuple[Scope, ...] = (
    Scope("innovations:read", _l("Semua inovasi (juga yang belum didaftarkan) dengan semua kolom profil yang "
                                 "boleh dibagikan dan skor setiap indikator")),
    Scope("index:read", _l("Indeks inovasi daerah (IID) per tahun: estimasi dari klaim dan dari hasil verifikasi")),
    Scope("followup:read", _l("Status tindak lanjut per OPD: hal yang menunggu, umurnya dan warnanya (hijau, kuning, "
                              "merah)")),
)
SCOPE_CODES = tuple(scope.code for scope in SCOPES)
MAX_NAME = 120


class TokenError(DomainError):
    """A token that cannot be created or revoked as asked."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(*, name: str, scopes: list[str], by) -> tuple[ApiToken, str]:
    """A new token; returns the row and the token itself, which is never shown or kept again."""
    name = " ".join((name or "").split())
    if not name:
        raise TokenError(_("Beri nama token, misalnya sistem yang memakainya."), "name")
    if len(name) > MAX_NAME:
        raise TokenError(_("Nama paling panjang %(n)d karakter.", n=MAX_NAME), "name")
    chosen = [code for code in SCOPE_CODES if code in set(scopes or ())]
    if not chosen or len(chosen) != len(set(scopes or ())):
        raise TokenError(_("Pilih setidaknya satu cakupan yang tersedia."), "scopes")
    while True:
        prefix = secrets.token_hex(4)
        if db.session.scalar(select(ApiToken.id).where(ApiToken.prefix == prefix)) is None:
            break
    token = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiToken(name=name, prefix=prefix, token_hash=hash_token(token), scopes=chosen, created_by_id=by.id,
                   created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    record("api.token_create", actor=by, obj=row,
           summary=say("Token API dibuat: %(name)s (%(prefix)s), %(scopes)s", name=name, prefix=prefix,
                       scopes=", ".join(chosen)),
           changes={"name": name, "prefix": prefix, "scopes": chosen})
    return row, token


def revoke_token(token: ApiToken, *, by) -> ApiToken:
    if token.revoked_at is not None:
        raise TokenError(_("Token ini sudah dicabut."))
    token.revoked_at = utcnow()
    token.revoked_by_id = by.id
    record("api.token_revoke", actor=by, obj=token,
           summary=say("Token API dicabut: %(name)s (%(prefix)s)", name=token.name, prefix=token.prefix),
           changes={"revoked_at": [None, token.revoked_at]})
    return token


def find_token(presented: str) -> ApiToken | None:
    """The active token ``presented`` is, or None (unknown, malformed or revoked)."""
    if not presented.startswith(TOKEN_START) or len(presented) > 200:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(presented)))
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.token_hash, hash_token(presented)):
        return None
    return row


def touch(token: ApiToken, now: datetime | None = None) -> bool:
    """Note the token's use (at most once a minute); returns whether it wrote."""
    now = now or utcnow()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_EVERY:
        return False
    token.last_used_at = now
    return True
