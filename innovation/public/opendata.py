"""Open data: the public listing as CSV and JSON, and the data dictionary that describes every column.

Both files hold the registered innovations with exactly the public fields (``settings.public_fields()``)
and the same optional filters as the showcase, and both are written row by row to the response (never
held whole), in the ``fields.FIELDS`` order of columns. CSV: RFC 4180 with commas, UTF-8 with a byte order
mark (Excel then shows Indonesian letters right), lists joined with "; ", and a cell that starts like a
spreadsheet formula (``= + - @``) prefixed with an apostrophe (OWASP's CSV injection advice).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from innovation.extensions import db, utcnow
from innovation.innovations.models import Innovation
from innovation.public import fields as catalogue
from innovation.public.settings import load_settings
from innovation.public.showcase import PublicFilters, public_query, record


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # as the dictionary names it: integer, string, date, boolean, number, list of strings
    description: object
    field: str  # the public field it belongs to


_TYPES = {
    "id": ("integer", _l("Nomor unik inovasi di aplikasi ini (tetap).")),
    "nama": ("string", None), "opd_kode": ("string", _l("Kode OPD.")), "opd_nama": ("string", _l("Nama OPD.")),
    "tahun": ("integer", None), "tahapan": ("string", None),
    "urusan_utama": ("string", _l("Kode urusan pemerintahan utama.")),
    "urusan_utama_nama": ("string", _l("Nama urusan pemerintahan utama.")),
    "urusan_lain": ("list of strings", _l("Urusan lain yang beririsan (CSV: dipisah \"; \").")),
    "jenis": ("string", _l("Digital / Non Digital.")), "digital": ("boolean", _l("true bila inovasi digital.")),
    "waktu_uji_coba": ("date", None), "waktu_penerapan": ("date", None), "waktu_pengembangan": ("date", None),
    "tujuan": ("string", None), "manfaat": ("string", None), "hasil": ("string", None),
    "rancang_bangun": ("string", None), "inisiator": ("string", None), "klasifikasi": ("string", None),
    "bentuk": ("string", None), "tematik": ("string", None), "latitude": ("number", None),
    "longitude": ("number", None), "nomor_register": ("string", None),
    "skor_klaim": ("number", _l("Skor klaim OPD (0 sampai skor maksimal tahun itu).")),
    "skor_terverifikasi": ("number", _l("Skor setelah verifikasi; kosong bila belum diverifikasi.")),
    "kematangan_persen": ("number", _l("Skor klaim sebagai persen dari skor maksimal.")),
    "url": ("string", _l("Alamat halaman publik inovasi.")),
}


def columns(fields: frozenset[str]) -> list[Column]:
    """The columns of the open data files now, with their types and descriptions."""
    found = [Column("id", *_TYPES["id"], field="nama")]
    for field in catalogue.FIELDS:
        if field.code not in fields:
            continue
        for name in field.columns:
            kind, description = _TYPES[name]
            found.append(Column(name, kind, description or field.description, field.code))
    found.append(Column("url", *_TYPES["url"], field="nama"))
    return found


def fingerprint(filters: PublicFilters, fields: frozenset[str]) -> str:
    """An ETag for the files: changes whenever a row, the settings or the filters could change them."""
    row = db.session.execute(select(func.count(Innovation.id), func.max(Innovation.updated_at),
                                    func.max(Innovation.id)).where(Innovation.registered_at.is_not(None))).one()
    settings = load_settings()
    key = repr((tuple(row), settings.version, settings.licence, sorted(fields), filters))
    return hashlib.sha1(key.encode()).hexdigest()


def _rows(filters: PublicFilters, fields: frozenset[str], url_of: Callable[[int], str]) -> Iterator[dict[str, Any]]:
    for innovation in db.session.scalars(public_query(filters, fields).execution_options(yield_per=500)):
        yield record(innovation, fields, url=url_of(innovation.id))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value if v)
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def csv_chunks(filters: PublicFilters, fields: frozenset[str], url_of: Callable[[int], str]) -> Iterator[bytes]:
    names = [c.name for c in columns(fields)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    for count, row in enumerate(_rows(filters, fields, url_of), 1):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_cell(row.get(name)) for name in names])
        yield buffer.getvalue().encode("utf-8")


def json_chunks(filters: PublicFilters, fields: frozenset[str], url_of: Callable[[int], str], *,
                licence: catalogue.Licence, dictionary_url: str, region: str) -> Iterator[bytes]:
    head = {
        "title": f"Inovasi daerah {region}",
        "licence": {"name": licence.name, "url": licence.url},
        "dictionary": dictionary_url,
        "generated_at": utcnow().isoformat(timespec="seconds"),
        "columns": [c.name for c in columns(fields)],
    }
    opening = json.dumps(head, ensure_ascii=False)[:-1] + ', "innovations": ['
    yield opening.encode("utf-8")
    for index, row in enumerate(_rows(filters, fields, url_of)):
        yield (("," if index else "") + json.dumps(row, ensure_ascii=False)).encode("utf-8")
    yield b"]}"
