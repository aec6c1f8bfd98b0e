"""``python -m benchmarks.seed --innovations N --database URL [--storage DIR]``: a big, realistic data set, fast.

What it writes (N innovations):

- the schema, by the app's own migrations (``flask_migrate.upgrade`` to all heads);
- one OPD per 50 innovations: Dinas/Badan, Puskesmas under a Dinas, Distrik; one operator per OPD,
  an admin (``bench.admin``), a verifier (``bench.verifier``) and judges (``juri.bench.<n>``); every
  account has the password ``BENCH_PASSWORD`` (one real hash, computed once, shared);
- N innovations with a full profile (Rancang Bangun of 300+ words, the other texts, dates in the
  rules' window), all 20 indicator answers, 1-3 evidence rows per answer (indicator 35: links, the
  rest: files), about two thirds registered and verified ("sesuai");
- the derived columns (``claimed_score``, ``verified_score``, ``gap_count``, ``rancang_bangun_words``)
  computed with the app's pure functions (``innovations.scoring``, ``innovations.readiness``) before
  the insert, so they equal what ``refresh_derived`` would store;
- ``--audit-per-innovation`` audit events per innovation (default 6);
- events: past years' Innovation Weeks holding 60 % of the innovations as submitted entries, at most
  ``EVENT_MAX_ENTRIES`` (3,000) each (last year's is the largest; at 100,000 innovations there are 20
  past weeks), and this year's (open, 30 % entered). A region's Innovation Week has tens to a few
  thousand entries; one round of 60,000 entries (what "60 % in one event" gave at 100,000) is not a
  competition anyone runs, and its live results took 87 s and a 165 MB payload (docs/PERFORMANCE.md);
- when the judging tables exist: on every past week a closed "penilaian" round in which every entry
  has 3-5 judges with complete, submitted score sheets (totals from ``judging.totals``), and on last
  year's also an open "final" round of up to 1,000 entries with 5 judges each and no sheets yet (for
  the scoring benchmarks).

Evidence blobs: ``StoredFile.key`` is unique, so every evidence file has its own row and key. The
bytes come from three small real templates (two PDFs and a PNG, written once next to the storage
folder). Blobs are hard links to those templates (a copy where hard links are impossible) and are
written for the evidence of the innovations of the first ``ceil(--blob-innovations / 50)`` OPDs only
(default 1,000 innovations in 20 OPDs: ``benchmarks.run`` exports those OPDs for "1,000 innovations
with their evidence", and the page benchmarks open innovations of the first OPD). Rows of the other
innovations point at keys with no blob: their downloads answer 404, which no benchmark does. This
keeps 100,000 innovations (about 4 million evidence files) to seconds instead of millions of links.

Rows go in with PostgreSQL ``COPY`` (psycopg) or, on SQLite, SQLAlchemy Core ``insert()`` in
executemany batches of 5,000; never the ORM per row. Ids are assigned here (after the current
maximum), and PostgreSQL's sequences are moved past them at the end.
"""
from __future__ import annotations

import argparse
import enum
import json
import math
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

BENCH_PASSWORD = "bench-password-2026"
ADMIN = "bench.admin"
VERIFIER = "bench.verifier"
BATCH = 5000
CHUNK_INNOVATIONS = 2000
INNOVATIONS_PER_OPD = 50
FINAL_ROUND_ENTRIES = 1000
EVENT_MAX_ENTRIES = 3000
LARGEST_EVENT_SLUG = "bench-week-last-year"
OPEN_EVENT_SLUG = "bench-week-this-year"


def make_app(database_url: str, storage_dir: str | os.PathLike, **extra: Any):
    """The app on ``database_url`` with evidence in ``storage_dir`` (no env needed)."""
    from innovation import create_app
    from innovation.config import normalise_database_url

    config = {
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "STORAGE_URL": f"file://{Path(storage_dir).resolve()}",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-secret"),
        "UPLOAD_STAGING_DIR": str(Path(storage_dir).resolve().parent / "staging"),
    }
    config.update(extra)
    return create_app(config)


def schema_of(database_url: str) -> str | None:
    """The schema named by ``?options=-csearch_path=NAME`` in a PostgreSQL URL, if any."""
    from urllib.parse import parse_qs, urlsplit

    for option in parse_qs(urlsplit(database_url).query).get("options", []):
        for part in option.split():
            if part.startswith("-csearch_path="):
                return part.split("=", 1)[1].split(",")[0]
    return None


def ensure_schema(database_url: str) -> None:
    """Create the URL's schema (PostgreSQL ``search_path`` option) when it does not exist yet."""
    from innovation.config import normalise_database_url

    schema = schema_of(database_url)
    if not schema or not database_url.startswith(("postgres", "postgresql")):
        return
    engine = sa.create_engine(normalise_database_url(database_url))
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    finally:
        engine.dispose()


# --- bulk writing --------------------------------------------------------------------------------

class Writer:
    """Inserts complete rows into one table at a time: COPY on PostgreSQL, Core executemany elsewhere."""

    def __init__(self, conn: sa.Connection):
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"
        inspector = sa.inspect(conn)
        self.db_columns = {t: [c["name"] for c in inspector.get_columns(t)] for t in inspector.get_table_names()}
        self.counts: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()

    def has(self, table_name: str) -> bool:
        return table_name in self.db_columns

    def next_id(self, table: sa.Table) -> int:
        return (self.conn.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1

    def _plan(self, table: sa.Table, sample: dict[str, Any]) -> list[tuple[str, Callable[[dict], Any]]]:
        """(column, getter) for every database column we fill: given, a Python default, or NULL."""
        plan = []
        for name in self.db_columns[table.name]:
            column = table.c.get(name)
            if name in sample:
                plan.append((name, lambda row, n=name: row[n]))
                continue
            if column is None:
                continue  # a column the model does not know: leave it to the database
            default = column.default
            if default is not None and default.is_scalar:
                plan.append((name, lambda row, v=default.arg: v))
            elif default is not None and default.is_callable:
                plan.append((name, lambda row, f=default.arg: f(None)))
            elif column.server_default is not None:
                continue
            elif column.nullable:
                plan.append((name, lambda row: None))
            else:
                raise RuntimeError(f"seed: {table.name}.{name} is NOT NULL and has no value or default")
        return plan

    def insert(self, table: sa.Table, rows: Iterable[dict[str, Any]]) -> int:
        rows = list(rows)
        if not rows:
            return 0
        started = time.perf_counter()
        plan = self._plan(table, rows[0])
        names = [name for name, _ in plan]
        getters = [getter for _, getter in plan]
        if self.postgres:
            json_columns = {i for i, n in enumerate(names) if isinstance(table.c[n].type, sa.JSON)}

            def copy_value(i: int, value: Any) -> Any:
                if isinstance(value, enum.Enum):
                    return value.value
                if i in json_columns and value is not None:
                    return json.dumps(value)
                return value

            raw = self.conn.connection.driver_connection
            quoted = ", ".join(f'"{n}"' for n in names)
            with raw.cursor() as cursor:
                with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row([copy_value(i, get(row)) for i, get in enumerate(getters)])
        else:
            statement = table.insert()
            for start in range(0, len(rows), BATCH):
                batch = [{n: get(row) for n, get in plan} for row in rows[start:start + BATCH]]
                self.conn.execute(statement, batch)
        self.counts[table.name] += len(rows)
        self.seconds[table.name] += time.perf_counter() - started
        return len(rows)

    def fix_sequences(self) -> None:
        if not self.postgres:
            return
        for name in self.counts:
            self.conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM \"{name}\"))"
            )


# --- content -------------------------------------------------------------------------------------

def profile_texts(spec: dict, nama: str, opd_name: str) -> dict[str, str]:
    from innovation.demo_data import rancang_bangun

    text = rancang_bangun(nama, opd_name, spec["masalah"], spec["cara"], 10_000)
    text += (
        f" Evaluasi dan tindak lanjut. Setiap triwulan {opd_name} menilai capaian {nama} bersama Bappeda: "
        "jumlah warga yang dilayani, waktu layanan, biaya yang dihemat, dan keluhan yang masuk. Hasil penilaian "
        "dibahas dalam forum perangkat daerah, dipublikasikan di laman resmi pemerintah kabupaten, dan menjadi "
        "dasar perbaikan prosedur, penambahan petugas, serta usulan anggaran tahun berikutnya. Replikasi ke "
        "distrik lain dilakukan bertahap dengan pendampingan dari tim inti, sehingga pengalaman lapangan dan "
        "pelajaran yang diperoleh tidak hilang ketika inovasi diperluas ke wilayah yang lebih sulit dijangkau."
    )
    return {
        "rancang_bangun": text,
        "tujuan": f"Mendekatkan layanan kepada warga: {spec['cara']}.",
        "manfaat": "Waktu dan biaya warga berkurang; cakupan layanan di distrik pedalaman dan pesisir meningkat; "
                   "data layanan tersedia untuk perencanaan.",
        "hasil": "Cakupan layanan meningkat dan keluhan warga menurun sejak penerapan, sebagaimana tercatat "
                 "dalam laporan triwulan dan survei kepuasan masyarakat.",
    }


def write_templates(folder: Path) -> dict[str, dict[str, Any]]:
    """Three small real files (two PDFs, one PNG), written once; returns name -> facts."""
    import hashlib

    from innovation.demo import demo_pdf, demo_png

    folder.mkdir(parents=True, exist_ok=True)
    contents = {
        "pdf-a": demo_pdf("Bukti dukung (contoh benchmark)", ["Surat keputusan kepala perangkat daerah."] * 6),
        "pdf-b": demo_pdf("Laporan kegiatan (contoh benchmark)", [f"Kegiatan ke-{i}: pelaksanaan layanan." for i in range(40)]),
        "png": demo_png(320, 200),
    }
    facts = {}
    for name, data in contents.items():
        path = folder / name
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        facts[name] = {
            "path": path, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "extension": "png" if name == "png" else "pdf",
            "content_type": "image/png" if name == "png" else "application/pdf",
        }
    return facts


class BlobLinker:
    def __init__(self, root: Path):
        self.root = root
        self.made: set[Path] = set()
        self.count = 0
        self.copied = 0

    def link(self, template: Path, key: str) -> None:
        path = self.root / key
        if path.parent not in self.made:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.made.add(path.parent)
        try:
            os.link(template, path)
        except FileExistsError:
            return
        except OSError:
            import shutil

            shutil.copyfile(template, path)
            self.copied += 1
        self.count += 1


def new_key(rng: random.Random) -> str:
    token = "%032x" % rng.getrandbits(128)
    return f"{token[:2]}/{token[2:4]}/{token}"


# --- the seed ------------------------------------------------------------------------------------

def blob_opds_for(blob_innovations: int) -> int:
    """How many OPDs (the first by id) get real evidence blobs: about ``blob_innovations`` innovations."""
    return max(1, math.ceil(blob_innovations / INNOVATIONS_PER_OPD))


def seed(
    database_url: str, innovations: int, storage_dir: str | os.PathLike, *,
    blob_innovations: int = 1000, audit_per_innovation: int = 6, rng_seed: int = 2026,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Fill ``database_url`` (migrated here) with ``innovations`` innovations; returns counts and timings."""
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from innovation.audit.models import AuditEvent
    from innovation.auth.models import Role, User
    from innovation.demo_data import INNOVATIONS
    from innovation.events.models import DEFAULT_CATEGORIES, Category, Entry, EntryStatus, Event
    from innovation.extensions import db
    from innovation.innovations import readiness, scoring
    from innovation.innovations.models import Evidence, IndicatorAnswer, Innovation, VerificationStatus
    from innovation.orgs.models import Opd, OpdKind
    from innovation.rules import get_rules, latest_year
    from innovation.storage.models import StoredFile

    timings: dict[str, float] = {}
    started = time.perf_counter()
    storage = Path(storage_dir).resolve()
    storage.mkdir(parents=True, exist_ok=True)
    rng = random.Random(rng_seed)
    ensure_schema(database_url)
    app = make_app(database_url, storage)
    with app.app_context():
        upgrade(revision="heads")
        timings["migrate"] = time.perf_counter() - started
        mark = time.perf_counter()
        templates = write_templates(storage.parent / "seed-templates")
        linker = BlobLinker(storage)
        rules = get_rules(latest_year())
        now = datetime.now(timezone.utc).replace(microsecond=0)
        password_hash = generate_password_hash(BENCH_PASSWORD)
        specs = [s for s in INNOVATIONS if s["masalah"]]

        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
            w = Writer(conn)

            # --- OPDs and accounts ---------------------------------------------------------
            n_opd = max(2, math.ceil(innovations / INNOVATIONS_PER_OPD))
            blob_opds = blob_opds_for(blob_innovations)
            opd_base = w.next_id(Opd.__table__)
            opds, dinas_ids = [], []
            for i in range(n_opd):
                opd_id = opd_base + i
                position = i % 10
                if position < 3 or not dinas_ids:
                    kind, label, parent = (OpdKind.DINAS if position else OpdKind.BADAN), ("Dinas" if position else "Badan"), None
                    dinas_ids.append(opd_id)
                elif position < 7:
                    kind, label, parent = OpdKind.PUSKESMAS, "Puskesmas", dinas_ids[-1]
                else:
                    kind, label, parent = OpdKind.DISTRIK, "Distrik", None
                opds.append(dict(id=opd_id, name=f"{label} Benchmark {opd_base + i:05d}", code=f"BENCH{opd_base + i:05d}",
                                 kind=kind, parent_id=parent, active=True, created_at=now - timedelta(days=400)))
            w.insert(Opd.__table__, opds)

            user_base = w.next_id(User.__table__)
            users = [
                dict(id=user_base, username=ADMIN, full_name="Admin Benchmark", role=Role.ADMIN, opd_id=opds[0]["id"]),
                dict(id=user_base + 1, username=VERIFIER, full_name="Verifikator Benchmark", role=Role.VERIFIER,
                     opd_id=opds[0]["id"]),
            ]
            operator_of = {}
            for i, opd in enumerate(opds):
                operator_of[opd["id"]] = user_base + 2 + i
                users.append(dict(id=user_base + 2 + i, username=f"op.bench.{i + 1}", full_name=f"Operator {opd['name']}",
                                  role=Role.OPERATOR, opd_id=opd["id"]))
            judge_ids: list[int] = []
            entries_a_estimate = int(innovations * 0.6)
            n_judges = max(60, math.ceil(entries_a_estimate * 4 / 200))
            for j in range(n_judges):
                judge_ids.append(user_base + 2 + n_opd + j)
                users.append(dict(id=judge_ids[-1], username=f"juri.bench.{j + 1}", full_name=f"Juri Benchmark {j + 1}",
                                  role=Role.JUDGE, opd_id=None))
            for user in users:
                user.update(password_hash=password_hash, email=None, active=True, must_change_password=False,
                            session_version=1, created_at=now - timedelta(days=400), last_login_at=None)
            w.insert(User.__table__, users)
            admin_id, verifier_id = user_base, user_base + 1

            # --- innovations, answers, evidence, audit events (in chunks) -------------------
            inn_base = w.next_id(Innovation.__table__)
            ans_id = w.next_id(IndicatorAnswer.__table__)
            file_id = w.next_id(StoredFile.__table__)
            ev_id = w.next_id(Evidence.__table__)
            audit_id = w.next_id(AuditEvent.__table__)
            tahapan = [o.code for o in rules.options["tahapan"]]
            jenis = [o.code for o in rules.options["jenis"]]
            bentuk = [o.code for o in rules.options["bentuk"]]
            tematik = [o.code for o in rules.options["tematik"]]
            urusan = [o.code for o in rules.options["urusan"]]
            pdf_templates = ("pdf-a", "pdf-b")
            derived_check = Counter()
            innovation_facts: list[tuple[int, int, Decimal]] = []  # id, opd id, claimed score
            audit_actions = ("innovation.create", "innovation.update", "indicator.update", "evidence.attach",
                             "indicator.update", "evidence.attach", "evidence.replace", "innovation.update")
            for chunk_start in range(0, innovations, CHUNK_INNOVATIONS):
                rows_inn, rows_ans, rows_file, rows_ev, rows_audit = [], [], [], [], []
                for k in range(chunk_start, min(innovations, chunk_start + CHUNK_INNOVATIONS)):
                    inn_id = inn_base + k
                    opd = opds[k % n_opd]
                    operator_id = operator_of[opd["id"]]
                    spec = specs[k % len(specs)]
                    nama = f"{spec['nama']} #{k + 1}"
                    created = now - timedelta(days=380, seconds=-k * 37)
                    updated = now - timedelta(seconds=rng.randrange(1, 300 * 86400))
                    registered = k % 3 != 2
                    texts = profile_texts(spec, nama, opd["name"])
                    profile = dict(
                        nama=nama, nomor_register=f"REG-{inn_id:07d}" if registered else None,
                        tahapan=tahapan[-1], inisiator="opd", nama_inisiator=f"Kepala {opd['name']}",
                        jenis=jenis[k % len(jenis)], klasifikasi="perangkat_daerah", bentuk=bentuk[k % len(bentuk)],
                        tematik=tematik[k % len(tematik)], urusan_utama=urusan[k % len(urusan)],
                        urusan_lain=[urusan[(k + 3) % len(urusan)]] if k % 4 == 0 else [],
                        latitude=Decimal("-4.5") - Decimal(k % 97) / 1000, longitude=Decimal("136.8") + Decimal(k % 89) / 1000,
                        waktu_uji_coba=date(2024, 2, 5), waktu_penerapan=date(2024, 7, 1),
                        waktu_pengembangan=date(2025, 3, 1) if k % 2 else None, **texts,
                    )
                    claims, evidence_nos = {}, set()
                    # The OPDs that get blobs are the first ``blob_opds`` (by id): an export of those OPDs is
                    # "about blob_innovations innovations with all their evidence" at any size.
                    with_blobs = k % n_opd < blob_opds
                    for indicator in rules.indicators:
                        parameter = 1 + (k + indicator.no) % 3 if (k + indicator.no) % 7 else 3
                        basis = indicator.bases[k % len(indicator.bases)].code if indicator.bases else None
                        verified = registered
                        claims[indicator.no] = scoring.Claim(parameter, basis, "sesuai" if verified else None, None)
                        rows_ans.append(dict(
                            id=ans_id, innovation_id=inn_id, indicator_no=indicator.no, parameter=parameter, basis=basis,
                            informasi=f"Bukti {indicator.name.lower()} untuk {nama}: dokumen dan foto kegiatan.",
                            updated_at=updated, updated_by_id=operator_id,
                            verification_status=VerificationStatus.SESUAI if verified else None, verified_parameter=None,
                            verification_note=None, verified_by_id=verifier_id if verified else None,
                            verified_at=updated if verified else None,
                        ))
                        ans_id += 1
                        for n in range(1 + (k * 7 + indicator.no) % 3):
                            evidence_nos.add(indicator.no)
                            row = dict(id=ev_id, innovation_id=inn_id, indicator_no=indicator.no, profile_slot=None,
                                       uploaded_by_id=operator_id, created_at=updated - timedelta(days=n + 1),
                                       replaces_id=None, superseded_at=None, removed_at=None)
                            if "pdf" not in indicator.evidence_types and "png" not in indicator.evidence_types:
                                row.update(file_id=None, url=f"https://video.example.org/inovasi/{inn_id}/{n + 1}",
                                           title=f"Video inovasi {n + 1} (tautan)")
                            else:
                                template = "png" if "pdf" not in indicator.evidence_types else pdf_templates[n % 2]
                                facts = templates[template]
                                key = new_key(rng)
                                name = f"{indicator.no:02d}-bukti-{n + 1}.{facts['extension']}"
                                rows_file.append(dict(id=file_id, key=key, original_name=name,
                                                      content_type=facts["content_type"], extension=facts["extension"],
                                                      size=facts["size"], sha256=facts["sha256"],
                                                      created_at=updated - timedelta(days=n + 1)))
                                row.update(file_id=file_id, url=None, title=name)
                                if with_blobs:
                                    linker.link(facts["path"], key)
                                file_id += 1
                            rows_ev.append(row)
                            ev_id += 1
                    lines = scoring.score_lines(rules, claims, evidence_nos)
                    claimed = scoring.total(lines)
                    verified_total = scoring.total(scoring.score_verified_lines(rules, claims, evidence_nos)) if registered else None
                    gaps = readiness.check(rules, profile, claims, evidence_nos).count
                    derived_check[gaps] += 1
                    rows_inn.append(dict(
                        id=inn_id, opd_id=opd["id"], rules_year=rules.year, **profile,
                        rancang_bangun_words=readiness.word_count(profile["rancang_bangun"]),
                        claimed_score=Decimal(claimed), verified_score=None if verified_total is None else Decimal(verified_total),
                        gap_count=gaps, registered_at=updated if registered else None, created_by_id=operator_id,
                        created_at=created, updated_at=updated,
                    ))
                    innovation_facts.append((inn_id, opd["id"], Decimal(claimed)))
                    for a in range(audit_per_innovation):
                        action = audit_actions[a % len(audit_actions)]
                        rows_audit.append(dict(
                            id=audit_id, at=created + (updated - created) * a / max(1, audit_per_innovation),
                            actor_id=operator_id, action=action, object_type="innovation", object_id=inn_id,
                            opd_id=opd["id"], summary=f"{action}: {nama}",
                            changes={"indicator_no": 16 + a % 20} if action.startswith(("indicator", "evidence")) else None,
                        ))
                        audit_id += 1
                w.insert(Innovation.__table__, rows_inn)
                w.insert(IndicatorAnswer.__table__, rows_ans)
                w.insert(StoredFile.__table__, rows_file)
                w.insert(Evidence.__table__, rows_ev)
                w.insert(AuditEvent.__table__, rows_audit)
                log(f"  innovations {min(innovations, chunk_start + CHUNK_INNOVATIONS):>7}/{innovations}"
                    f"  ({time.perf_counter() - mark:.1f} s)")

            # --- events and entries ----------------------------------------------------------
            event_base = w.next_id(Event.__table__)
            year = now.year
            entered = [fact for k, fact in enumerate(innovation_facts) if k % 10 < 6]  # 60 %, in past weeks
            n_past = max(1, math.ceil(len(entered) / EVENT_MAX_ENTRIES))
            past_events = []
            for p in range(n_past):
                ago = timedelta(days=365 * p)
                past_events.append(dict(
                    id=event_base + 1 + p, slug=LARGEST_EVENT_SLUG if p == 0 else f"bench-week-{year - 1 - p}",
                    name=f"Innovation Week {year - 1 - p} (benchmark)", year=year - 1 - p,
                    description="Benchmark: submissions closed, judging under way.",
                    opens_at=now - timedelta(days=120) - ago, closes_at=now - timedelta(days=30) - ago,
                    created_at=now - timedelta(days=130) - ago, created_by_id=admin_id))
            open_event = dict(id=event_base, slug=OPEN_EVENT_SLUG, name=f"Innovation Week {year} (benchmark)", year=year,
                              description="Benchmark: open for submissions.", opens_at=now - timedelta(days=10),
                              closes_at=now + timedelta(days=60), created_at=now - timedelta(days=15),
                              created_by_id=admin_id)
            event_rows = [open_event, *past_events]
            w.insert(Event.__table__, event_rows)
            cat_base = w.next_id(Category.__table__)
            categories = {}
            cat_rows = []
            for e, event in enumerate(event_rows):
                categories[event["id"]] = []
                for position, name in enumerate(DEFAULT_CATEGORIES):
                    cat_id = cat_base + e * len(DEFAULT_CATEGORIES) + position
                    categories[event["id"]].append(cat_id)
                    cat_rows.append(dict(id=cat_id, event_id=event["id"], name=name, position=position))
            w.insert(Category.__table__, cat_rows)
            entry_id = w.next_id(Entry.__table__)
            entry_rows = []
            past_entries: list[list[tuple]] = [[] for _ in past_events]  # (entry id, innovation id, claimed, category)

            def add_entry(event: dict, k: int, inn_id: int, opd_id: int, submitted: bool) -> int:
                nonlocal entry_id
                at = event["opens_at"] + timedelta(minutes=k % 10_000)
                entry_rows.append(dict(
                    id=entry_id, event_id=event["id"], innovation_id=inn_id,
                    category_id=categories[event["id"]][k % len(DEFAULT_CATEGORIES)], opd_id=opd_id,
                    status=EntryStatus.SUBMITTED if submitted else EntryStatus.DRAFT,
                    submitted_at=at if submitted else None, withdrawn_at=None, created_by_id=operator_of[opd_id],
                    created_at=at, updated_at=at,
                ))
                entry_id += 1
                return entry_id - 1

            for n, (inn_id, opd_id, claimed) in enumerate(entered):
                p = n // EVENT_MAX_ENTRIES
                made = add_entry(past_events[p], n, inn_id, opd_id, True)
                past_entries[p].append((made, inn_id, claimed, entry_rows[-1]["category_id"]))
            for k, (inn_id, opd_id, _claimed) in enumerate(innovation_facts):
                if k % 10 < 3:  # 30 % in this year's open week, half of them submitted
                    add_entry(open_event, k, inn_id, opd_id, k % 2 == 0)
            w.insert(Entry.__table__, entry_rows)
            log(f"  events and entries: {len(entry_rows)} entries in {len(event_rows)} events "
                f"({time.perf_counter() - mark:.1f} s)")

            judging = None
            if w.has("judging_round") and w.has("score"):
                rubric_ids = _seed_rubrics(w, now)
                judging = Counter()
                for p, event in enumerate(past_events):
                    made = _seed_judging(w, rng, now - timedelta(days=365 * p), event, past_entries[p], judge_ids,
                                         admin_id, rubric_ids, with_final=p == 0)
                    judging.update({k: v for k, v in made.items() if k != "rounds"})
                    if p == 0:
                        judging["largest_event_rounds"] = made["rounds"]
                judging = dict(judging)
            w.fix_sequences()
        timings["insert"] = time.perf_counter() - mark
        if conn.dialect.name == "postgresql":
            mark = time.perf_counter()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as analyze:
                analyze.exec_driver_sql("ANALYZE")
            timings["analyze"] = time.perf_counter() - mark
        db.engine.dispose()
    timings["total"] = time.perf_counter() - started
    return {
        "innovations": innovations, "opds": n_opd, "judges": n_judges, "counts": dict(w.counts),
        "table_seconds": {k: round(v, 2) for k, v in w.seconds.items()},
        "blobs": linker.count, "blobs_copied": linker.copied, "gap_counts": dict(derived_check),
        "judging": judging, "timings": {k: round(v, 2) for k, v in timings.items()},
    }


CRITERIA_SPEC = [("K1", "Kebaruan", 30), ("K2", "Kemanfaatan", 25), ("K3", "Keberlanjutan", 20),
                 ("K4", "Kemudahan replikasi", 15), ("K5", "Kualitas penyajian", 10)]


def _seed_rubrics(w: Writer, now: datetime) -> list[tuple[int, dict[int, Decimal]]]:
    """Two rubrics (penilaian, final): their ids and criterion weights."""
    from innovation.judging import models as jm

    rubric_base = w.next_id(jm.Rubric.__table__)
    criterion_base = w.next_id(jm.Criterion.__table__)
    rubrics, criteria, made = [], [], []
    for r in range(2):
        rubric_id = rubric_base + r
        rubrics.append(dict(id=rubric_id, code=f"bench-{rubric_id}", name=f"Rubrik benchmark {r + 1}",
                            name_en=f"Benchmark rubric {r + 1}", description="", scale_min=1, scale_max=5, builtin=False,
                            created_at=now - timedelta(days=40)))
        weights = {}
        for position, (code, title, weight) in enumerate(CRITERIA_SPEC):
            cid = criterion_base + r * len(CRITERIA_SPEC) + position
            weights[cid] = Decimal(weight)
            criteria.append(dict(id=cid, rubric_id=rubric_id, code=code, title=title, title_en=title, description="",
                                 description_en="", weight=Decimal(weight), independent=False, position=position,
                                 descriptors={str(v): {"id": f"Tingkat {v}", "en": f"Level {v}"} for v in range(1, 6)}))
        made.append((rubric_id, weights))
    w.insert(jm.Rubric.__table__, rubrics)
    w.insert(jm.Criterion.__table__, criteria)
    return made


def _seed_judging(w: Writer, rng: random.Random, now: datetime, event: dict, entries: list, judge_ids: list[int],
                  admin_id: int, rubrics: list[tuple[int, dict[int, Decimal]]], *, with_final: bool) -> dict[str, Any]:
    """A closed, fully scored "penilaian" round and (``with_final``) an open "final" round without sheets."""
    from innovation.judging import models as jm

    try:
        from innovation.judging.totals import weighted_total
    except ImportError:  # the pure function moved: the same formula
        def weighted_total(values, weights):
            return (sum(Decimal(values[c]) * Decimal(wt) for c, wt in weights.items()) / 100).quantize(Decimal("0.0001"))

    weights = [rubrics[0][1], rubrics[1][1]]
    round_base = w.next_id(jm.Round.__table__)
    final_entries = sorted(entries, key=lambda e: (-e[2], e[0]))[:FINAL_ROUND_ENTRIES]
    rounds = [
        dict(id=round_base, event_id=event["id"], position=1, kind=jm.RoundKind.PENILAIAN, name="Penilaian",
             rubric_id=rubrics[0][0], opens_at=now - timedelta(days=28), closes_at=now - timedelta(days=3),
             judges_per_entry=4, blind=False, use_category_panels=False, advance_top_n=len(final_entries),
             published_at=None, created_at=now - timedelta(days=29)),
    ]
    if with_final:
        rounds.append(
            dict(id=round_base + 1, event_id=event["id"], position=2, kind=jm.RoundKind.FINAL, name="Final",
                 rubric_id=rubrics[1][0], opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30),
                 judges_per_entry=5, blind=False, use_category_panels=False, advance_top_n=None,
                 published_at=None, created_at=now - timedelta(days=2)))
    w.insert(jm.Round.__table__, rounds)
    panel_base = w.next_id(jm.PanelMember.__table__)
    w.insert(jm.PanelMember.__table__, [
        dict(id=panel_base + i, round_id=r["id"], judge_id=j, category_id=None)
        for i, (r, j) in enumerate((r, j) for r in rounds for j in judge_ids)
    ])

    finalists = {e[0] for e in final_entries}
    re_id = w.next_id(jm.RoundEntry.__table__)
    as_id = w.next_id(jm.Assignment.__table__)
    sheet_id = w.next_id(jm.ScoreSheet.__table__)
    score_id = w.next_id(jm.Score.__table__)
    n_judges = len(judge_ids)
    judge_bias = {j: Decimal(rng.randrange(-4, 5)) / 10 for j in judge_ids}
    counts = Counter()
    for round_ in rounds:
        first = round_["position"] == 1
        round_entries = entries if first else final_entries
        for start in range(0, len(round_entries), BATCH):
            rows_re, rows_as, rows_sheet, rows_score = [], [], [], []
            for i, (entry_id, _inn, claimed, _cat) in enumerate(round_entries[start:start + BATCH], start=start):
                status = (jm.RoundEntryStatus.ADVANCED if entry_id in finalists else jm.RoundEntryStatus.ELIMINATED) \
                    if first else jm.RoundEntryStatus.PENDING
                rows_re.append(dict(id=re_id, round_id=round_["id"], entry_id=entry_id, status=status, decision_reason="",
                                    decided_by_id=admin_id if first else None,
                                    decided_at=round_["closes_at"] if first else None, created_at=round_["opens_at"]))
                k = 3 + i % 3 if first else 5
                quality = Decimal(1) + claimed / Decimal(60)  # 1-5 from the claimed maturity
                for slot in range(k):
                    judge = judge_ids[(i * 7 + slot * (n_judges // 5 or 1) + slot) % n_judges]
                    rows_as.append(dict(id=as_id, round_entry_id=re_id, judge_id=judge, status=jm.AssignmentStatus.ACTIVE,
                                        recusal_reason="", needs_reassignment=False, created_at=round_["opens_at"],
                                        updated_at=round_["opens_at"]))
                    if first:
                        values = {}
                        for cid in weights[0]:
                            raw = quality + judge_bias[judge] + Decimal(rng.randrange(-10, 11)) / 10
                            values[cid] = min(Decimal(5), max(Decimal(1), (raw * 2).to_integral_value() / 2))
                        submitted = round_["opens_at"] + timedelta(minutes=i % 30_000, seconds=slot)
                        rows_sheet.append(dict(id=sheet_id, assignment_id=as_id, status=jm.SheetStatus.SUBMITTED,
                                               overall_comment="", submitted_at=submitted, updated_at=submitted,
                                               total=weighted_total(values, weights[0])))
                        for cid, value in values.items():
                            rows_score.append(dict(id=score_id, sheet_id=sheet_id, criterion_id=cid, value=value, comment=""))
                            score_id += 1
                        sheet_id += 1
                    as_id += 1
                re_id += 1
            w.insert(jm.RoundEntry.__table__, rows_re)
            w.insert(jm.Assignment.__table__, rows_as)
            w.insert(jm.ScoreSheet.__table__, rows_sheet)
            w.insert(jm.Score.__table__, rows_score)
            counts[f"round{round_['position']}_entries"] += len(rows_re)
            counts[f"round{round_['position']}_assignments"] += len(rows_as)
    return {"rounds": [r["id"] for r in rounds], **counts}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.seed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--innovations", type=int, required=True)
    parser.add_argument("--database", required=True, help="SQLAlchemy URL (postgresql://... or sqlite:///path)")
    parser.add_argument("--storage", default=None, help="evidence folder (default: instance/bench-work/storage-N)")
    parser.add_argument("--blob-innovations", type=int, default=1000,
                        help="innovations whose evidence gets real blobs (hard links); default 1000")
    parser.add_argument("--audit-per-innovation", type=int, default=6)
    parser.add_argument("--seed", type=int, default=2026, help="random seed")
    args = parser.parse_args(argv)
    storage = args.storage or f"instance/bench-work/storage-{args.innovations}"
    print(f"seeding {args.innovations} innovations into {args.database} (storage {storage})")
    result = seed(args.database, args.innovations, storage, blob_innovations=args.blob_innovations,
                  audit_per_innovation=args.audit_per_innovation, rng_seed=args.seed)
    print(json.dumps(result, indent=2, default=str))
    t = result["timings"]
    print(f"migrate {t['migrate']:.1f} s, insert {t['insert']:.1f} s, total {t['total']:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
