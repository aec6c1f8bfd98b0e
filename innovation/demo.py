"""``flask --app innovation demo``: Mimika's OPDs, two Innovation Weeks, accounts, a dozen innovations.

Idempotent: what exists (by OPD code, username, event slug, innovation name per OPD) is left as it
is. Everything goes through the same services as the web views, so demo data obeys the same rules.
"""
from __future__ import annotations

import io
import struct
import zlib
from datetime import date, datetime, timedelta

import click
from flask import current_app
from sqlalchemy import select

from innovation.auth import services as accounts
from innovation.auth.models import User
from innovation.demo_data import INNOVATIONS, JUDGES, OPDS, rancang_bangun
from innovation.events import entries
from innovation.events import services as events
from innovation.events.models import Entry, Event
from innovation.extensions import db, utcnow
from innovation.innovations import evidence
from innovation.innovations import services as innovations
from innovation.innovations.models import Innovation
from innovation.orgs import services as orgs
from innovation.orgs.models import Opd
from innovation.timeutil import format_local, from_local
from innovation.web import Role

DEMO_PASSWORD = "demo-inovasi-2026"  # not the region's name: auth.passwords refuses that


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A small real PDF (a letter-like page), made on the fly."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def demo_png(width: int = 64, height: int = 40, rgb: tuple[int, int, int] = (11, 93, 122)) -> bytes:
    """A small real PNG (a flat colour photo stand-in)."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _ensure_opds(admin: User | None) -> dict[str, Opd]:
    existing = {o.code: o for o in db.session.scalars(select(Opd))}
    for name, code, kind, parent_code in OPDS:
        if code not in existing:
            existing[code] = orgs.create_opd(
                name=name, code=code, kind=kind, parent=existing.get(parent_code) if parent_code else None, by=admin)
    return existing


def _ensure_user(username: str, full_name: str, role: Role, opd: Opd | None, created: list) -> User:
    user = accounts.find_user(username)
    if user is None:
        user = accounts.create_user(username=username, full_name=full_name, role=role, password=DEMO_PASSWORD, opd=opd)
        created.append(user)
    return user


def _ensure_event(slug: str, name: str, year: int, opens_at: datetime, closes_at: datetime, admin: User) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        event = events.create_event(
            name=name, slug=slug, year=year, opens_at=opens_at, closes_at=closes_at, by=admin,
            description="Pekan Inovasi Kabupaten Mimika: seleksi administrasi, presentasi di hadapan dewan juri, "
                        "dan final bagi lima terbaik. Pemenang memperoleh insentif anggaran tahun berikutnya.",
        )
    return event


def _fill_innovation(spec: dict, opd: Opd, operator: User) -> Innovation:
    innovation = innovations.create_innovation(opd, nama=spec["nama"], by=operator, rules_year=2026)
    completeness = spec["completeness"]
    words = {"full": 420, "most": 330, "thin": 140, "draft": 0}[completeness]
    profile = {
        "nama": spec["nama"], "tahapan": spec["tahapan"], "jenis": spec["jenis"], "bentuk": spec["bentuk"],
        "urusan_utama": spec["urusan"], "tematik": spec["tematik"], "latitude": spec["lat"], "longitude": spec["lon"],
        "urusan_lain": [],
    }
    if completeness != "draft":
        profile.update(
            inisiator="opd", nama_inisiator=f"Kepala {opd.name}", klasifikasi="perangkat_daerah",
            waktu_uji_coba=date(2024, 2, 5), waktu_penerapan=date(2024, 7, 1),
            rancang_bangun=rancang_bangun(spec["nama"], opd.name, spec["masalah"], spec["cara"], words),
            tujuan=f"Mendekatkan layanan kepada warga: {spec['cara']}.",
            manfaat="Waktu dan biaya warga berkurang; cakupan layanan di distrik pedalaman dan pesisir meningkat.",
            hasil="Cakupan layanan meningkat dan keluhan warga menurun sejak penerapan." if completeness != "thin" else "",
        )
        if completeness == "full":
            profile["waktu_pengembangan"] = date(2025, 3, 1)
            profile["urusan_lain"] = ["komunikasi_dan_informatika"] if spec["urusan"] != "komunikasi_dan_informatika" else []
    innovations.update_profile(innovation, profile, by=operator)

    rules = innovation.rules
    if completeness == "draft":
        return innovation
    for indicator in rules.indicators:
        if completeness == "thin" and not indicator.mandatory:
            continue
        parameter = {"full": 3 if indicator.no % 3 else 2, "most": 2, "thin": 1}[completeness]
        basis = "a" if indicator.bases else None
        innovations.save_answer(innovation, indicator.no, parameter=parameter, basis=basis,
                                informasi=f"Bukti {indicator.name.lower()} untuk {spec['nama']}.", by=operator)
        with_evidence = completeness == "full" or (completeness == "most" and (indicator.mandatory or indicator.no % 2 == 0)) \
            or (completeness == "thin" and indicator.no in (16, 17))
        if not with_evidence:
            continue
        if indicator.no == 35:
            evidence.attach_link(innovation, indicator_no=35, url="https://www.youtube.com/watch?v=demo-mimika",
                                 title="Video inovasi (tautan)", by=operator)
        elif "pdf" in indicator.evidence_types:
            data = demo_pdf(f"{indicator.no}. {indicator.name}", [
                f"Inovasi: {spec['nama']}", f"Perangkat daerah: {opd.name}",
                f"Parameter dipilih: {indicator.parameter_label(parameter, basis)}",
                "Dokumen contoh untuk data demo Innovation Week Kabupaten Mimika.",
            ])
            evidence.attach_file(innovation, indicator_no=indicator.no, stream=io.BytesIO(data),
                                 filename=f"{indicator.no:02d}-bukti-{indicator.name.lower().replace(' ', '-')[:40]}.pdf",
                                 by=operator)
        else:
            evidence.attach_file(innovation, indicator_no=indicator.no, stream=io.BytesIO(demo_png()),
                                 filename=f"{indicator.no:02d}-foto.png", by=operator)
    return innovation


REGIONAL_2026 = {  # indicator no: (score, note, evidence file title or None)
    1: ("3", "Visi dan misi RPJMD 2025-2029 memuat inovasi daerah.", "Perda RPJMD Kabupaten Mimika 2025-2029"),
    2: ("3", "APBD 2026 ditetapkan 28 Desember 2025.", None),
    9: ("4.5", "Opini WTP atas LKPD 2024.", "LHP BPK atas LKPD Kabupaten Mimika 2024"),
    13: ("2", "Penghargaan inovator Innovation Week 2025.", None),
}


def _ensure_regional(admin: User) -> int:
    """A few of 2026's regional indicator values, two with a PDF as evidence (only when none exist)."""
    from innovation.reporting import regional

    if regional.regional_values(2026):
        return 0
    regional.save_regional_values(
        2026, {no: {"score": score, "note": note, "evidence_url": ""} for no, (score, note, _f) in REGIONAL_2026.items()},
        by=admin)
    for no, (_score, _note, title) in REGIONAL_2026.items():
        if title:
            data = demo_pdf(title, ["Kabupaten Mimika", "Dokumen contoh untuk demo."])
            regional.attach_regional_file(2026, no, stream=io.BytesIO(data), filename=f"{title}.pdf", by=admin)
    return len(REGIONAL_2026)


@click.command("demo")
def demo_command() -> None:
    """Load Mimika demo data (idempotent) and print the demo accounts."""
    created: list[User] = []
    admin = accounts.find_user("admin")
    opds = _ensure_opds(admin)
    admin = _ensure_user("admin", "Admin Bappeda Mimika", Role.ADMIN, opds["BAPPEDA"], created)
    _ensure_user("verifikator", "Verifikator Bappeda", Role.VERIFIER, opds["BAPPEDA"], created)
    _ensure_user("bupati", "Bupati Mimika", Role.PIMPINAN, None, created)  # the leaders' view (read-only)
    for username, name, opd_code in JUDGES:
        _ensure_user(username, name, Role.JUDGE, opds.get(opd_code) if opd_code else None, created)
    operators = {}
    for name, code, _kind, _parent in OPDS:
        operators[code] = _ensure_user(f"op.{code.lower()}", f"Operator {name}", Role.OPERATOR, opds[code], created)
    db.session.flush()

    now = utcnow()
    week_2025 = _ensure_event("innovation-week-2025", "Innovation Week 2025", 2025,
                              from_local(datetime(2025, 8, 1, 8, 0)), from_local(datetime(2025, 9, 20, 23, 59)), admin)
    closes_2026 = max(from_local(datetime(2026, 12, 15, 23, 59)), now + timedelta(days=21))
    week_2026 = _ensure_event("innovation-week-2026", "Innovation Week 2026", 2026,
                              min(from_local(datetime(2026, 11, 1, 8, 0)), now - timedelta(days=7)), closes_2026, admin)

    inside_2025 = from_local(datetime(2025, 9, 10, 10, 0))
    for position, spec in enumerate(INNOVATIONS):
        opd, operator = opds[spec["opd"]], operators[spec["opd"]]
        innovation = db.session.scalar(select(Innovation).where(Innovation.opd_id == opd.id, Innovation.nama == spec["nama"]))
        if innovation is not None:
            continue
        innovation = _fill_innovation(spec, opd, operator)
        if spec["completeness"] == "draft":
            continue
        if spec["completeness"] in ("full", "most") or position % 2:
            category = week_2025.categories[spec["category"]]
            entry = entries.enter_innovation(week_2025, innovation, category, by=operator, now=inside_2025)
            entries.submit_entry(entry, by=operator, now=inside_2025)
        category = week_2026.categories[spec["category"]]
        entry = entries.enter_innovation(week_2026, innovation, category, by=operator, now=now)
        if spec["completeness"] == "full":
            entries.submit_entry(entry, by=operator, now=now)
    _ensure_regional(admin)
    db.session.commit()

    counts = {
        "OPD": len(opds),
        "inovasi": len(db.session.scalars(select(Innovation.id)).all()),
        "entri": len(db.session.scalars(select(Entry.id)).all()),
    }
    click.echo(f"Demo data ready for {current_app.config['REGION_NAME']}: " +
               ", ".join(f"{v} {k}" for k, v in counts.items()))
    click.echo(f"Events: innovation-week-2025 (closed), innovation-week-2026 (open until {format_local(closes_2026)})")
    click.echo("")
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD})" + ("" if created else " — already existed"))
    click.echo(f"  {'username':<22} {'role':<10} OPD")
    for user in db.session.scalars(select(User).order_by(User.role, User.username)):
        click.echo(f"  {user.username:<22} {user.role.value:<10} {user.opd.name if user.opd else ''}")

    from innovation.judging.demo import ensure_judging_demo

    judges = [accounts.find_user(username) for username, _name, _opd in JUDGES]
    if ensure_judging_demo(week_2025, admin, judges):
        db.session.commit()
        click.echo("Innovation Week 2025: 'Penilaian presentasi' scored by the five judges (results not yet published)")
