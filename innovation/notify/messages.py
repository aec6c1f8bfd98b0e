"""The message templates, in Indonesian (the source) and English (the catalogue), rendered in the
recipient's language with Flask-Babel's ``force_locale``. One template per event: a title (the email's
subject, the inbox line) and a body; ``%(name)s`` placeholders are filled from the trigger's values."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _



def N_(message: str) -> str:
    """Marks a template for the catalogue (Babel's default ``N_`` keyword); translated when rendered."""
    return message


TEMPLATES: dict[str, tuple[str, str]] = {
    "event.opened": (
        N_("Pendaftaran %(event)s dibuka"),
        N_("Pendaftaran %(event)s sudah dibuka sampai %(deadline)s. Daftarkan inovasi OPD Anda."),
    ),
    "entry.reminder": (
        N_("%(days)s hari lagi: %(innovation)s belum lengkap"),
        N_("Batas %(event)s untuk OPD Anda: %(deadline)s. %(innovation)s: %(problem)s."),
    ),
    "line.sesuai": (
        N_("Indikator %(indicator)s %(innovation)s: sesuai"),
        N_("Verifikator menyatakan indikator %(indicator)s dari %(innovation)s sesuai. %(note)s"),
    ),
    "line.diperbaiki": (
        N_("Indikator %(indicator)s %(innovation)s: perlu diperbaiki"),
        N_("Verifikator meminta perbaikan indikator %(indicator)s dari %(innovation)s. Catatan: %(note)s"),
    ),
    "line.ditolak": (
        N_("Indikator %(indicator)s %(innovation)s: ditolak"),
        N_("Verifikator menolak indikator %(indicator)s dari %(innovation)s. Catatan: %(note)s"),
    ),
    "extension.granted": (
        N_("Perpanjangan batas waktu %(event)s"),
        N_("OPD Anda mendapat perpanjangan untuk %(event)s sampai %(deadline)s. Alasan: %(reason)s"),
    ),
    "results.published": (
        N_("Hasil %(round)s diumumkan"),
        N_("Hasil %(round)s pada %(event)s sudah diumumkan. Lihat hasilnya di aplikasi."),
    ),
    "slot.set": (
        N_("Jadwal presentasi %(innovation)s: %(starts)s"),
        N_("%(innovation)s tampil sebagai urutan ke-%(position)s pada %(round)s (%(event)s): %(starts)s, ruang "
           "%(room)s. Lihat jadwal di aplikasi."),
    ),
    "slot.changed": (
        N_("Jadwal presentasi %(innovation)s berubah: %(starts)s"),
        N_("Jadwal presentasi %(innovation)s pada %(round)s (%(event)s) berubah: sekarang %(starts)s, ruang "
           "%(room)s, urutan ke-%(position)s. Lihat jadwal di aplikasi."),
    ),
    "verifier.waiting": (
        N_("%(waiting)s baris menunggu verifikasi"),
        N_("%(waiting)s baris indikator menunggu keputusan Anda, %(changed)s di antaranya berubah sejak "
           "diverifikasi."),
    ),
    "judge.assigned": (
        N_("Anda ditugaskan menilai %(round)s"),
        N_("Anda ditugaskan menilai %(count)s inovasi pada %(round)s (%(event)s), dibuka %(opens)s sampai "
           "%(closes)s."),
    ),
    "round.opened": (
        N_("Penilaian %(round)s dibuka"),
        N_("Penilaian %(round)s (%(event)s) sudah dibuka sampai %(closes)s. Anda punya %(count)s lembar nilai."),
    ),
    "round.closing": (
        N_("Besok %(round)s ditutup"),
        N_("%(round)s ditutup %(closes)s. %(count)s lembar nilai Anda belum dikirim."),
    ),
    "admin.digest": (
        N_("Ringkasan harian %(date)s"),
        N_("Inovasi baru: %(innovations)s. Entri dikirim: %(submitted)s. Baris diverifikasi: %(verified)s. "
           "Baris menunggu verifikasi: %(waiting)s. Pesan gagal terkirim: %(failed)s."),
    ),
}


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str


def render(event: str, values: dict[str, Any], language: str) -> Rendered:
    """The message for ``event`` in ``language`` ("id" or "en"); an unknown language falls back to Indonesian."""
    title, body = TEMPLATES[event]
    with force_locale(language if language in ("id", "en") else "id"):
        text = {key: str(value) for key, value in values.items()}
        return Rendered(_(title, **text)[:200], _(body, **text).strip())
