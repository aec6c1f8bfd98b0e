"""The profile fields that may be public, and the open data licences: pure data, no database.

The admin chooses which of ``FIELDS`` the public sees (``settings.update_settings``); the showcase, the
open data files, the sitemap and the read API without a token all read that one choice
(``settings.public_fields()``). What is not listed here is never public, whatever the admin picks:
the initiator's personal name, the OPD's indicator explanations and evidence notes, the verifier's notes,
who created or edited a row. Evidence files are public one by one (``sharing``), never through a field.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class PublicField:
    code: str
    label: object  # a lazy string
    description: object  # for the data dictionary
    columns: tuple[str, ...]  # the open data columns it adds (CSV header, JSON keys)
    default: bool = False
    always: bool = False  # public whatever the settings say (what identifies the innovation)


FIELDS: tuple[PublicField, ...] = (
    PublicField("nama", _l("Nama inovasi"), _l("Nama inovasi seperti didaftarkan OPD."), ("nama",), always=True),
    PublicField("opd", _l("Perangkat daerah"), _l("OPD pemilik inovasi: kode dan nama."), ("opd_kode", "opd_nama"),
                always=True),
    PublicField("tahun", _l("Tahun penilaian"), _l("Tahun aturan Kemendagri yang dipakai profil inovasi."),
                ("tahun",), always=True),
    PublicField("tahapan", _l("Tahapan"), _l("Tahapan inovasi: inisiatif, uji coba atau penerapan."), ("tahapan",),
                default=True),
    PublicField("urusan", _l("Urusan pemerintahan"),
                _l("Urusan pemerintahan utama dan urusan lain yang beririsan (kode dan nama)."),
                ("urusan_utama", "urusan_utama_nama", "urusan_lain"), default=True),
    PublicField("jenis", _l("Digital atau non digital"), _l("Jenis inovasi: digital atau non digital."),
                ("jenis", "digital"), default=True),
    PublicField("waktu", _l("Waktu uji coba dan penerapan"),
                _l("Tanggal uji coba, penerapan dan pengembangan (ISO 8601, YYYY-MM-DD)."),
                ("waktu_uji_coba", "waktu_penerapan", "waktu_pengembangan"), default=True),
    PublicField("tujuan", _l("Deskripsi singkat (tujuan)"), _l("Tujuan inovasi, sebagai deskripsi singkatnya."),
                ("tujuan",), default=True),
    PublicField("manfaat", _l("Manfaat"), _l("Manfaat yang diperoleh dari inovasi."), ("manfaat",)),
    PublicField("hasil", _l("Hasil inovasi"), _l("Hasil yang dicapai inovasi."), ("hasil",)),
    PublicField("rancang_bangun", _l("Rancang bangun"),
                _l("Uraian rancang bangun (dasar hukum, permasalahan, metode, cara kerja)."), ("rancang_bangun",)),
    PublicField("inisiator", _l("Jenis inisiator"),
                _l("Siapa yang memprakarsai: kepala daerah, OPD, ASN, masyarakat... (bukan nama orang)."),
                ("inisiator",)),
    PublicField("klasifikasi", _l("Klasifikasi"), _l("Klasifikasi inovasi menurut Kemendagri."), ("klasifikasi",)),
    PublicField("bentuk", _l("Bentuk inovasi"), _l("Bentuk inovasi menurut Kemendagri."), ("bentuk",)),
    PublicField("tematik", _l("Asta Cita / tematik"), _l("Tematik (Asta Cita) yang didukung inovasi."), ("tematik",)),
    PublicField("koordinat", _l("Koordinat lokasi"), _l("Lintang dan bujur lokasi penerapan (WGS 84)."),
                ("latitude", "longitude")),
    PublicField("nomor_register", _l("Nomor register IGA"), _l("Nomor register inovasi di portal Kemendagri."),
                ("nomor_register",)),
    PublicField("skor", _l("Estimasi skor kematangan"),
                _l("Estimasi skor kematangan dari isian OPD (klaim) dan, bila sudah diverifikasi, hasil verifikasi; "
                   "persentase terhadap skor maksimal tahun itu."),
                ("skor_klaim", "skor_terverifikasi", "kematangan_persen")),
    PublicField("skor_indikator", _l("Skor per indikator"),
                _l("Untuk setiap indikator: parameter yang dipilih OPD, parameter hasil verifikasi dan skornya "
                   "(hanya di JSON dan API)."), ()),
)

BY_CODE = {f.code: f for f in FIELDS}
CHOOSABLE = tuple(f for f in FIELDS if not f.always)
DEFAULT_FIELDS = tuple(f.code for f in FIELDS if f.default)


def clean_codes(codes) -> list[str]:
    """Known, choosable codes in the catalogue's order (unknown ones dropped)."""
    wanted = set(codes or ())
    return [f.code for f in CHOOSABLE if f.code in wanted]


@dataclass(frozen=True)
class Licence:
    code: str
    name: str
    url: str


LICENCES: tuple[Licence, ...] = (
    Licence("cc-by-4.0", "Creative Commons Attribution 4.0 International (CC BY 4.0)",
            "https://creativecommons.org/licenses/by/4.0/"),
    Licence("cc-by-sa-4.0", "Creative Commons Attribution-ShareAlike 4.0 International (CC BY-SA 4.0)",
            "https://creativecommons.org/licenses/by-sa/4.0/"),
    Licence("cc0-1.0", "Creative Commons Zero 1.0 Universal (CC0 1.0)",
            "https://creativecommons.org/publicdomain/zero/1.0/"),
    Licence("odc-by-1.0", "Open Data Commons Attribution License 1.0 (ODC-By)",
            "https://opendatacommons.org/licenses/by/1-0/"),
)
LICENCE_BY_CODE = {licence.code: licence for licence in LICENCES}
DEFAULT_LICENCE = "cc-by-4.0"
