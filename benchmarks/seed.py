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

Rows go in with PostgreSQL ``COPY`` or, on SQLite, SQLAlchemy Core ``insert()`` in executemany
batches of 5,000; never the ORM per row. Ids are assigned here (after the current maximum), and
PostgreSQL's sequences are moved past them at the end. The data depend only on ``--seed`` (one
``random.Random``, drawn in a fixed order) and on the time of the run (timestamps count back from it).

How 100,000 innovations (about 9 million rows) take about two minutes on PostgreSQL on 2 cores instead
of almost seven (docs/PERFORMANCE.md), all in one transaction:

- rows are tuples turned into COPY text by one f-string compiled per table (``copy_line_function``)
  and written as one block per table and chunk of 2,000 innovations, instead of psycopg's per-value
  ``copy.write_row`` of dicts;
- a ``CopyThread`` runs the COPYs on the seed's connection while Python builds the next chunk, so the
  seed and its PostgreSQL backend each use a core;
- ``Writer.bulk_load``: the big tables' foreign keys, UNIQUE constraints and plain indexes are dropped
  for the load and made again at the end (a per-row foreign-key trigger and random inserts into the
  ``stored_file.key`` index were most of PostgreSQL's time), checked against the catalog as it was;
- values that depend on a template, not on the innovation, are computed once: the texts (with
  placeholders for the names), the file names, and the derived columns, memoised on what the app's
  functions read and checked against a full computation every 50 innovations (``DerivedColumns``).
"""
from __future__ import annotations

import argparse
import contextlib
import enum
import functools
import json
import math
import os
import queue
import random
import sys
import threading
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
# Tables filled with many rows: on PostgreSQL their foreign keys and plain indexes wait for the end of the load.
BULK_TABLES = ["innovation", "indicator_answer", "stored_file", "evidence", "audit_event", "entry", "round_entry",
               "assignment", "score_sheet", "score"]
# Column order of the tuples of the big tables (the columns left out are NULL or their Python default).
ANSWER_COLUMNS = ("id", "innovation_id", "indicator_no", "parameter", "basis", "informasi", "updated_at",
                  "updated_by_id", "verification_status", "verified_by_id", "verified_at")
FILE_COLUMNS = ("id", "key", "original_name", "content_type", "extension", "size", "sha256", "created_at")
EVIDENCE_COLUMNS = ("id", "innovation_id", "indicator_no", "file_id", "url", "title", "uploaded_by_id", "created_at")
AUDIT_COLUMNS = ("id", "at", "actor_id", "action", "object_type", "object_id", "opd_id", "summary", "changes")
ROUND_ENTRY_COLUMNS = ("id", "round_id", "entry_id", "status", "decision_reason", "decided_by_id", "decided_at",
                       "created_at")
ASSIGNMENT_COLUMNS = ("id", "round_entry_id", "round_id", "judge_id", "status", "recusal_reason",
                      "needs_reassignment", "created_at", "updated_at")
# acknowledged_total: what the judge saw when submitting (as every save sets it): the queue's notice of a
# total moved by a weight change counts the sheets where it differs
SHEET_COLUMNS = ("id", "assignment_id", "status", "overall_comment", "submitted_at", "updated_at", "total",
                 "acknowledged_total")
SCORE_COLUMNS = ("id", "sheet_id", "criterion_id", "value", "comment")
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

NULL = "\\N"
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any) -> str:
    """A string for PostgreSQL's COPY text format: NULL, or the value with \\, tab, CR and LF escaped."""
    if value is None:
        return NULL
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_COPY_ESCAPES)
    return value


@functools.lru_cache(maxsize=256)
def _copy_stamp(value: datetime | date | None) -> str:
    """Timestamps repeat within an innovation (its answers share ``updated``): formatted once each."""
    return NULL if value is None else str(value)


def _copy_enum(value: Any) -> str:
    return NULL if value is None else _copy_text(value.value if isinstance(value, enum.Enum) else value)


def _copy_json(value: Any) -> str:
    return NULL if value is None else _copy_text(json.dumps(value))


def _copy_other(value: Any) -> str:
    return NULL if value is None else _copy_text(str(value))


def copy_line_function(columns: list[sa.Column]) -> Callable[[tuple], str]:
    """A function turning a tuple (one value per column, in order) into one line of COPY text.

    The line is one f-string compiled for the table: ints and Decimals print as PostgreSQL reads them,
    booleans as t/f, and strings, timestamps, enums and JSON go through the small converters above. About
    three times faster than psycopg's ``copy.write_row``, which adapts every value on its own.
    """
    fields = []
    for i, column in enumerate(columns):
        kind = column.type.impl if isinstance(column.type, sa.types.TypeDecorator) else column.type
        value = f"r[{i}]"
        if isinstance(kind, (sa.Boolean, sa.Integer, sa.Numeric)):
            field = f"('t' if {value} else 'f')" if isinstance(kind, sa.Boolean) else value
            if column.nullable:
                field = f"(_NULL if {value} is None else {field})"
        elif isinstance(kind, sa.Enum):  # before String: an Enum is a String
            field = f"_enum({value})"
        elif isinstance(kind, sa.JSON):
            field = f"_json({value})"
        elif isinstance(kind, (sa.DateTime, sa.Date)):
            field = f"_stamp({value})"
        elif isinstance(kind, sa.String):
            field = f"_text({value})"
        else:
            field = f"_other({value})"
        fields.append("{" + field + "}")
    source = 'def line(r):\n    return f"""' + "\\t".join(fields) + '\\n"""\n'
    namespace = {"_NULL": NULL, "_text": _copy_text, "_stamp": _copy_stamp, "_enum": _copy_enum,
                 "_json": _copy_json, "_other": _copy_other}
    exec(compile(source, "<copy line>", "exec"), namespace)
    return namespace["line"]


class CopyThread:
    """Runs the COPY statements on the seed's own connection (one transaction) in a background thread.

    Python builds the next chunk's rows while PostgreSQL ingests the last one: on a 2-core machine the
    seed's process and its PostgreSQL backend each keep a core busy. ``put`` blocks when a few chunks
    are waiting (memory stays bounded); ``sync`` waits until everything queued is in the database and
    re-raises an error of the thread. The main thread touches the connection only after ``sync``.
    """

    def __init__(self, driver_connection, seconds: Counter):
        self.connection = driver_connection
        self.seconds = seconds
        self.queue: queue.Queue = queue.Queue(maxsize=8)
        self.error: BaseException | None = None
        self.cancelled = False
        self.thread = threading.Thread(target=self._run, name="seed-copy", daemon=True)
        self.thread.start()

    def put(self, table: str, names: list[str], text: str) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((table, names, text))

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            try:
                if item is None:
                    return
                if self.error is None and not self.cancelled:
                    table, names, text = item
                    started = time.perf_counter()
                    quoted = ", ".join(f'"{n}"' for n in names)
                    with self.connection.cursor() as cursor:
                        with cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                            copy.write(text)
                    self.seconds[table] += time.perf_counter() - started
            except BaseException as exc:  # raised in the main thread by put() and sync()
                self.error = exc
            finally:
                self.queue.task_done()

    def sync(self) -> None:
        self.queue.join()
        if self.error is not None:
            raise self.error

    def close(self, cancel: bool = False) -> None:
        """Stop the thread; ``cancel``: skip what is still queued (the transaction is being rolled back)."""
        self.cancelled = cancel
        self.queue.put(None)
        self.thread.join()


class Writer:
    """Inserts complete rows into one table at a time: COPY on PostgreSQL, Core executemany elsewhere.

    Rows are dicts, or tuples in the order of ``columns``. Database columns a row does not give get
    their Python default (evaluated once per call) or NULL. On PostgreSQL the rows become COPY text here
    and go to the database in the ``CopyThread``; every method that reads the database first waits for it.
    """

    def __init__(self, conn: sa.Connection):
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"
        inspector = sa.inspect(conn)
        self.db_columns = {t: [c["name"] for c in inspector.get_columns(t)] for t in inspector.get_table_names()}
        self.counts: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()  # PostgreSQL: seconds of COPY per table; SQLite: of executemany
        self.build_seconds: Counter[str] = Counter()  # PostgreSQL: seconds spent formatting COPY text
        self.restore_seconds: Counter[str] = Counter()  # PostgreSQL: remaking what bulk_load dropped, by kind
        self._lines: dict[tuple, Callable[[tuple], str]] = {}
        self.copier = None
        if self.postgres:
            conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
            self.copier = CopyThread(conn.connection.driver_connection, self.seconds)

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        try:
            if kind is None:
                self.sync()
        finally:
            self.close(cancel=kind is not None)

    def has(self, table_name: str) -> bool:
        return table_name in self.db_columns

    def sync(self) -> None:
        if self.copier is not None:
            self.copier.sync()

    def close(self, cancel: bool = False) -> None:
        """Stop the COPY thread (after the last ``sync``, or ``cancel``: dropping what is queued); idempotent."""
        if self.copier is not None:
            self.copier.close(cancel)
            self.copier = None

    def next_id(self, table: sa.Table) -> int:
        self.sync()
        return (self.conn.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1

    def _fill(self, table: sa.Table, given: Iterable[str]) -> tuple[list[str], tuple]:
        """The database columns a row does not give, and their values: a Python default, or NULL."""
        given = set(given)
        names, values = [], []
        for name in self.db_columns[table.name]:
            column = table.c.get(name)
            if name in given or column is None:
                continue  # given, or a column the model does not know: left to the database
            default = column.default
            if default is not None and default.is_scalar:
                value = default.arg
            elif default is not None and default.is_callable:
                value = default.arg(None)
            elif column.server_default is not None:
                continue
            elif column.nullable:
                value = None
            else:
                raise RuntimeError(f"seed: {table.name}.{name} is NOT NULL and has no value or default")
            names.append(name)
            values.append(value)
        return names, tuple(values)

    def insert(self, table: sa.Table, rows: list, columns: tuple[str, ...] | None = None) -> int:
        if not rows:
            return 0
        started = time.perf_counter()
        if columns is None:
            columns = tuple(n for n in rows[0] if n in self.db_columns[table.name])
            rows = [tuple(row[n] for n in columns) for row in rows]
        fill_names, fill = self._fill(table, columns)
        names = [*columns, *fill_names]
        if self.postgres:
            key = (table.name, tuple(names))
            line = self._lines.get(key)
            if line is None:
                line = self._lines[key] = copy_line_function([table.c[n] for n in names])
            text = "".join([line(row + fill) for row in rows] if fill else map(line, rows))
            self.build_seconds[table.name] += time.perf_counter() - started
            self.copier.put(table.name, names, text)
        else:
            statement = table.insert()
            for start in range(0, len(rows), BATCH):
                self.conn.execute(statement, [dict(zip(names, row + fill)) for row in rows[start:start + BATCH]])
            self.seconds[table.name] += time.perf_counter() - started
        self.counts[table.name] += len(rows)
        return len(rows)

    @contextlib.contextmanager
    def bulk_load(self, tables: list[str]):
        """PostgreSQL: the foreign keys, UNIQUE constraints and plain indexes of ``tables`` dropped during the
        load, then made again; on SQLite nothing happens.

        Checking a foreign key per row (a trigger and a lookup for every reference) and inserting every
        row into every index cost more than the rows themselves (a random ``stored_file.key`` most of all);
        building an index over the finished table and checking a foreign key with one join are much
        cheaper, and still check every row. It all happens in the seed's transaction, so a failure leaves
        the schema as the migrations made it, and the result is compared with the catalog as it was: the
        same names and definitions. PRIMARY KEYs stay (sequential ids are cheap to index, and other tables'
        foreign keys point at them), as do UNIQUE constraints a foreign key points at.
        """
        if not self.postgres:
            yield
            return
        self.sync()
        tables = [t for t in tables if self.has(t)]
        before = self._deferred(tables)
        for table, name, _definition in before["foreign key"] + before["unique"]:
            self.conn.exec_driver_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for _table, name, _definition in before["index"]:
            self.conn.exec_driver_sql(f'DROP INDEX "{name}"')
        yield
        self.sync()
        # index builds sort in memory, foreign-key checks hash the referenced ids in memory
        self.conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
        self.conn.exec_driver_sql("SET LOCAL work_mem = '256MB'")
        for kind in ("unique", "index", "foreign key"):
            started = time.perf_counter()
            for table, name, definition in before[kind]:
                self.conn.exec_driver_sql(
                    definition if kind == "index" else f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            self.restore_seconds[kind] += time.perf_counter() - started
        after = self._deferred(tables)
        if after != before:
            raise RuntimeError(f"seed: constraints or indexes not restored as they were: {before} != {after}")

    def _deferred(self, tables: list[str]) -> dict[str, list[tuple[str, str, str]]]:
        """(table, name, definition) of what ``bulk_load`` drops: by kind, in a stable order."""
        oids = "ARRAY[" + ", ".join(f"'\"{t}\"'::regclass" for t in tables) + "]"
        constraints = self.conn.exec_driver_sql(
            "SELECT contype, conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint c "
            f"WHERE conrelid = ANY({oids}) AND (contype = 'f' OR contype = 'u' AND NOT EXISTS ("
            "  SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid)) ORDER BY 2, 3").all()
        indexes = self.conn.exec_driver_sql(
            "SELECT indrelid::regclass::text, indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i "
            f"WHERE indrelid = ANY({oids}) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
            "ORDER BY 1, 2").all()
        return {"foreign key": [tuple(r[1:]) for r in constraints if r[0] == "f"],
                "unique": [tuple(r[1:]) for r in constraints if r[0] == "u"],
                "index": [tuple(r) for r in indexes]}

    def fix_sequences(self) -> None:
        if not self.postgres:
            return
        self.sync()
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


class DerivedColumns:
    """The derived columns of an innovation by the app's pure functions, memoised on what they read.

    Computing them in full cost about half a millisecond per innovation (most of it counting the words of
    the Rancang Bangun, twice): most of a minute at 100,000. ``scoring`` reads only the claims and which indicators have
    evidence (here every indicator has some), so its totals are memoised on the claims. ``readiness.check``
    also reads the profile: which fields are empty (none, here), the Rancang Bangun's word count and the
    dates; so the gap count is memoised on the claims, the text's template (description and OPD kind: the
    per-innovation parts of a text, ``#k`` and the OPD's number, are one word each whatever their value)
    and whether ``waktu_pengembangan`` is set. The texts themselves are made once per template with
    placeholders for the innovation's and the OPD's names.

    The first innovation of every memo key and every ``verify_every``-th innovation are computed in full
    (texts by ``profile_texts``, ``word_count``, ``readiness.check``, ``scoring``) and compared with the
    memo: if a change of the app's functions breaks these assumptions, the seed fails instead of storing
    figures the app would not compute.
    """

    NAMA, OPD = "{nama}", "{opd}"

    def __init__(self, rules, specs: list[dict], verify_every: int = 50):
        self.rules = rules
        self.specs = specs
        self.verify_every = verify_every
        self.evidence_nos = {indicator.no for indicator in rules.indicators}
        self.templates: dict[tuple[int, str], dict[str, str]] = {}
        self.memo: dict[tuple, tuple[int, int, int | None, int]] = {}
        self.verified = 0

    def texts(self, spec_index: int, opd_kind: str, nama: str, opd_name: str) -> dict[str, str]:
        template = self.templates.get((spec_index, opd_kind))
        if template is None:
            template = self.templates[(spec_index, opd_kind)] = profile_texts(self.specs[spec_index], self.NAMA, self.OPD)
        return {field: text.replace(self.NAMA, nama).replace(self.OPD, opd_name) for field, text in template.items()}

    def claims(self, parameters: tuple, bases: tuple, registered: bool) -> dict[int, Any]:
        from innovation.innovations.scoring import Claim

        status = "sesuai" if registered else None
        return {indicator.no: Claim(parameter, basis, status, None)
                for indicator, parameter, basis in zip(self.rules.indicators, parameters, bases)}

    def compute(self, profile: dict[str, Any], parameters: tuple, bases: tuple, registered: bool) -> tuple:
        """(rancang_bangun_words, claimed, verified or None, gap count), by the app's functions."""
        from innovation.innovations import readiness, scoring

        claims = self.claims(parameters, bases, registered)
        verified = scoring.total(scoring.score_verified_lines(self.rules, claims, self.evidence_nos)) if registered else None
        return (readiness.word_count(profile["rancang_bangun"]),
                scoring.total(scoring.score_lines(self.rules, claims, self.evidence_nos)), verified,
                readiness.check(self.rules, profile, claims, self.evidence_nos).count)

    def of(self, k: int, spec_index: int, opd_kind: str, opd_name: str, profile: dict[str, Any], parameters: tuple,
           bases: tuple, registered: bool) -> tuple:
        key = (spec_index, opd_kind, profile["waktu_pengembangan"] is None, registered, parameters, bases)
        known = self.memo.get(key)
        if known is None or k % self.verify_every == 0:
            computed = self.compute(profile, parameters, bases, registered)
            texts = profile_texts(self.specs[spec_index], profile["nama"], opd_name)
            if (known is not None and computed != known) or any(profile[f] != text for f, text in texts.items()):
                raise RuntimeError(f"seed: memoised texts or derived columns differ from the app's for innovation #{k + 1}")
            self.verified += 1
            known = self.memo.setdefault(key, computed)
        return known


class BlobLinker:
    def __init__(self, root: Path):
        self.root = str(root)
        self.made: set[str] = set()
        self.count = 0
        self.copied = 0

    def link(self, template: Path, key: str) -> None:
        path = os.path.join(self.root, key)
        folder = os.path.dirname(path)
        if folder not in self.made:
            os.makedirs(folder, exist_ok=True)
            self.made.add(folder)
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
    log: Callable[[str], None] = print, event_max_entries: int = EVENT_MAX_ENTRIES,
) -> dict[str, Any]:
    """Fill ``database_url`` (migrated here) with ``innovations`` innovations; returns counts and timings."""
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from innovation.audit.models import AuditEvent
    from innovation.auth.models import User
    from innovation.demo_data import INNOVATIONS
    from innovation.events.models import DEFAULT_CATEGORIES, Category, Entry, EntryStatus, Event
    from innovation.extensions import db
    from innovation.innovations.models import Evidence, IndicatorAnswer, Innovation, VerificationStatus
    from innovation.orgs.models import Opd, OpdKind
    from innovation.rules import get_rules, latest_year
    from innovation.storage.models import StoredFile
    from innovation.web import Role

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

        # One transaction; on PostgreSQL the big tables' constraints and indexes wait for the end (bulk_load)
        with db.engine.begin() as conn, Writer(conn) as w, w.bulk_load(BULK_TABLES):
            # --- OPDs and accounts ---------------------------------------------------------
            n_opd = max(2, math.ceil(innovations / INNOVATIONS_PER_OPD))
            blob_opds = blob_opds_for(blob_innovations)
            opd_base = w.next_id(Opd.__table__)
            opds, opd_kinds, dinas_ids = [], [], []
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
                opd_kinds.append(label)
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
            derived = DerivedColumns(rules, specs)
            derived_check = Counter()
            innovation_facts: list[tuple[int, int, Decimal]] = []  # id, opd id, claimed score
            audit_actions = ("innovation.create", "innovation.update", "indicator.update", "evidence.attach",
                             "indicator.update", "evidence.attach", "evidence.replace", "innovation.update")
            audit_changes = [{"indicator_no": 16 + a % 20} if audit_actions[a % len(audit_actions)].startswith(
                ("indicator", "evidence")) else None for a in range(audit_per_innovation)]
            # Per indicator, once: (no, bases, informasi's start, None for links or the file of evidence n
            # as (template facts, file name)); indicator 35 takes links, the others files.
            indicator_plan = []
            for indicator in rules.indicators:
                types = indicator.evidence_types
                files = None
                if "pdf" in types or "png" in types:
                    files = []
                    for n in range(3):
                        facts = templates["png" if "pdf" not in types else ("pdf-a", "pdf-b")[n % 2]]
                        files.append((facts, f"{indicator.no:02d}-bukti-{n + 1}.{facts['extension']}"))
                indicator_plan.append((indicator.no, [b.code for b in indicator.bases],
                                       f"Bukti {indicator.name.lower()} untuk ", files))
            for chunk_start in range(0, innovations, CHUNK_INNOVATIONS):
                rows_inn, rows_ans, rows_file, rows_ev, rows_audit = [], [], [], [], []
                for k in range(chunk_start, min(innovations, chunk_start + CHUNK_INNOVATIONS)):
                    inn_id = inn_base + k
                    opd = opds[k % n_opd]
                    opd_id = opd["id"]
                    operator_id = operator_of[opd_id]
                    spec_index = k % len(specs)
                    spec = specs[spec_index]
                    nama = f"{spec['nama']} #{k + 1}"
                    created = now - timedelta(days=380, seconds=-k * 37)
                    updated = now - timedelta(seconds=rng.randrange(1, 300 * 86400))
                    uploaded = [updated - timedelta(days=n + 1) for n in range(3)]  # evidence n's date
                    registered = k % 3 != 2
                    status, verified_by, verified_at = (VerificationStatus.SESUAI, verifier_id, updated) if registered \
                        else (None, None, None)
                    profile = dict(
                        nama=nama, nomor_register=f"REG-{inn_id:07d}" if registered else None,
                        tahapan=tahapan[-1], inisiator="opd", nama_inisiator=f"Kepala {opd['name']}",
                        jenis=jenis[k % len(jenis)], klasifikasi="perangkat_daerah", bentuk=bentuk[k % len(bentuk)],
                        tematik=tematik[k % len(tematik)], urusan_utama=urusan[k % len(urusan)],
                        urusan_lain=[urusan[(k + 3) % len(urusan)]] if k % 4 == 0 else [],
                        latitude=Decimal("-4.5") - Decimal(k % 97) / 1000, longitude=Decimal("136.8") + Decimal(k % 89) / 1000,
                        waktu_uji_coba=date(2024, 2, 5), waktu_penerapan=date(2024, 7, 1),
                        waktu_pengembangan=date(2025, 3, 1) if k % 2 else None,
                        **derived.texts(spec_index, opd_kinds[k % n_opd], nama, opd["name"]),
                    )
                    # The OPDs that get blobs are the first ``blob_opds`` (by id): an export of those OPDs is
                    # "about blob_innovations innovations with all their evidence" at any size.
                    with_blobs = k % n_opd < blob_opds
                    parameters, bases = [], []
                    for no, basis_codes, informasi, files in indicator_plan:
                        parameter = 1 + (k + no) % 3 if (k + no) % 7 else 3
                        basis = basis_codes[k % len(basis_codes)] if basis_codes else None
                        parameters.append(parameter)
                        bases.append(basis)
                        rows_ans.append((ans_id, inn_id, no, parameter, basis, f"{informasi}{nama}: dokumen dan foto kegiatan.",
                                         updated, operator_id, status, verified_by, verified_at))
                        ans_id += 1
                        for n in range(1 + (k * 7 + no) % 3):  # every indicator gets evidence
                            if files is None:
                                rows_ev.append((ev_id, inn_id, no, None, f"https://video.example.org/inovasi/{inn_id}/{n + 1}",
                                                f"Video inovasi {n + 1} (tautan)", operator_id, uploaded[n]))
                            else:
                                facts, name = files[n]
                                key = new_key(rng)
                                rows_file.append((file_id, key, name, facts["content_type"], facts["extension"],
                                                  facts["size"], facts["sha256"], uploaded[n]))
                                rows_ev.append((ev_id, inn_id, no, file_id, None, name, operator_id, uploaded[n]))
                                if with_blobs:
                                    linker.link(facts["path"], key)
                                file_id += 1
                            ev_id += 1
                    words, claimed, verified_total, gaps = derived.of(
                        k, spec_index, opd_kinds[k % n_opd], opd["name"], profile, tuple(parameters), tuple(bases), registered)
                    derived_check[gaps] += 1
                    rows_inn.append(dict(
                        id=inn_id, opd_id=opd_id, rules_year=rules.year, **profile, rancang_bangun_words=words,
                        claimed_score=Decimal(claimed), verified_score=None if verified_total is None else Decimal(verified_total),
                        gap_count=gaps, registered_at=updated if registered else None, created_by_id=operator_id,
                        created_at=created, updated_at=updated,
                    ))
                    innovation_facts.append((inn_id, opd_id, Decimal(claimed)))
                    for a in range(audit_per_innovation):
                        action = audit_actions[a % len(audit_actions)]
                        rows_audit.append((audit_id, created + (updated - created) * a / max(1, audit_per_innovation),
                                           operator_id, action, "innovation", inn_id, opd_id, f"{action}: {nama}",
                                           audit_changes[a]))
                        audit_id += 1
                w.insert(Innovation.__table__, rows_inn)
                w.insert(IndicatorAnswer.__table__, rows_ans, ANSWER_COLUMNS)
                w.insert(StoredFile.__table__, rows_file, FILE_COLUMNS)
                w.insert(Evidence.__table__, rows_ev, EVIDENCE_COLUMNS)
                w.insert(AuditEvent.__table__, rows_audit, AUDIT_COLUMNS)
                log(f"  innovations {min(innovations, chunk_start + CHUNK_INNOVATIONS):>7}/{innovations}"
                    f"  ({time.perf_counter() - mark:.1f} s)")

            # --- events and entries ----------------------------------------------------------
            event_base = w.next_id(Event.__table__)
            year = now.year
            entered = [fact for k, fact in enumerate(innovation_facts) if k % 10 < 6]  # 60 %, in past weeks
            n_past = max(1, math.ceil(len(entered) / event_max_entries))
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
                p = n // event_max_entries
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
        timings["indexes_and_foreign_keys"] = sum(w.restore_seconds.values())
        if conn.dialect.name == "postgresql":
            mark = time.perf_counter()
            # VACUUM as well as ANALYZE: a production database is vacuumed by autovacuum, and a freshly
            # loaded table without its visibility map turns every index-only scan into a heap scan (a
            # count of 100,000 innovations: 30 ms instead of a few). Some servers run without autovacuum.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as analyze:
                for table in w.db_columns:  # this schema's tables, not the whole database's
                    analyze.exec_driver_sql(f'VACUUM (ANALYZE) "{table}"')
            timings["analyze"] = time.perf_counter() - mark
        db.engine.dispose()
    timings["total"] = time.perf_counter() - started
    return {
        "innovations": innovations, "opds": n_opd, "judges": n_judges, "counts": dict(w.counts),
        "table_seconds": {k: round(v, 2) for k, v in w.seconds.items()},
        "build_seconds": {k: round(v, 2) for k, v in w.build_seconds.items()},
        "restore_seconds": {k: round(v, 2) for k, v in w.restore_seconds.items()},
        "blobs": linker.count, "blobs_copied": linker.copied, "gap_counts": dict(derived_check),
        "derived_verified": derived.verified, "judging": judging,
        "timings": {k: round(v, 2) for k, v in timings.items()},
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
    steps = {r: Decimal(r) / 10 for r in range(-10, 11)}  # a judge's spread around the entry's quality
    totals: dict[tuple, Decimal] = {}  # weighted_total is pure: once per distinct sheet of values
    counts = Counter()
    for round_ in rounds:
        first = round_["position"] == 1
        round_entries = entries if first else final_entries
        opens_at = round_["opens_at"]
        for start in range(0, len(round_entries), BATCH):
            rows_re, rows_as, rows_sheet, rows_score = [], [], [], []
            for i, (entry_id, _inn, claimed, _cat) in enumerate(round_entries[start:start + BATCH], start=start):
                if first:
                    status = jm.RoundEntryStatus.ADVANCED if entry_id in finalists else jm.RoundEntryStatus.ELIMINATED
                    rows_re.append((re_id, round_["id"], entry_id, status, "", admin_id, round_["closes_at"], opens_at))
                else:
                    rows_re.append((re_id, round_["id"], entry_id, jm.RoundEntryStatus.PENDING, "", None, None, opens_at))
                k = 3 + i % 3 if first else 5
                quality = Decimal(1) + claimed / Decimal(60)  # 1-5 from the claimed maturity
                for slot in range(k):
                    judge = judge_ids[(i * 7 + slot * (n_judges // 5 or 1) + slot) % n_judges]
                    rows_as.append((as_id, re_id, round_["id"], judge, jm.AssignmentStatus.ACTIVE, "", False, opens_at,
                                    opens_at))
                    if first:
                        level = quality + judge_bias[judge]
                        values = []
                        for _criterion in weights[0]:
                            raw = level + steps[rng.randrange(-10, 11)]
                            values.append(min(Decimal(5), max(Decimal(1), (raw * 2).to_integral_value() / 2)))
                        values = tuple(values)
                        total = totals.get(values)
                        if total is None:
                            total = totals[values] = weighted_total(dict(zip(weights[0], values)), weights[0])
                        submitted = opens_at + timedelta(minutes=i % 30_000, seconds=slot)
                        rows_sheet.append((sheet_id, as_id, jm.SheetStatus.SUBMITTED, "", submitted, submitted, total,
                                           total))
                        for cid, value in zip(weights[0], values):
                            rows_score.append((score_id, sheet_id, cid, value, ""))
                            score_id += 1
                        sheet_id += 1
                    as_id += 1
                re_id += 1
            w.insert(jm.RoundEntry.__table__, rows_re, ROUND_ENTRY_COLUMNS)
            w.insert(jm.Assignment.__table__, rows_as, ASSIGNMENT_COLUMNS)
            w.insert(jm.ScoreSheet.__table__, rows_sheet, SHEET_COLUMNS)
            w.insert(jm.Score.__table__, rows_score, SCORE_COLUMNS)
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
    parser.add_argument("--event-max-entries", type=int, default=EVENT_MAX_ENTRIES,
                        help="entries per past Innovation Week (default 3000; benchmarks.results_compute seeds "
                             "a 10,000-entry round with 17,000 innovations and 10000 here)")
    args = parser.parse_args(argv)
    storage = args.storage or f"instance/bench-work/storage-{args.innovations}"
    print(f"seeding {args.innovations} innovations into {args.database} (storage {storage})")
    result = seed(args.database, args.innovations, storage, blob_innovations=args.blob_innovations,
                  audit_per_innovation=args.audit_per_innovation, rng_seed=args.seed,
                  event_max_entries=args.event_max_entries)
    print(json.dumps(result, indent=2, default=str))
    t = result["timings"]
    print(f"migrate {t['migrate']:.1f} s, insert {t['insert']:.1f} s, total {t['total']:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
