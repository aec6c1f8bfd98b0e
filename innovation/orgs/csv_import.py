"""Creating OPDs from a CSV file: all rows or none.

``parse_rows`` checks each row on its own and the file as a whole (duplicates, parents, cycles) without
the database; ``import_opds`` adds the checks against existing OPDs, then writes through
``services.create_opd`` so the rules and the audit trail are those of the form.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from innovation.audit.services import record, say_n
from innovation.csvio import (
    CsvRow,
    ImportReport,
    RowError,
    failed,
    load_rows,
    parse_bool,
    row_shape_error,
    template_bytes,
)
from innovation.extensions import db
from innovation.orgs.models import Opd
from innovation.orgs.services import OrgError, clean_code, clean_name, create_opd, parse_kind

COLUMNS = ("name", "code", "kind", "parent_code", "active")
REQUIRED = ("name", "code", "kind")
EXAMPLE = ("Dinas Kesehatan", "DINKES", "dinas", "", "ya")


@dataclass(frozen=True)
class OpdRow:
    line: int
    name: str
    code: str
    kind: str
    parent_code: str | None
    active: bool


def template() -> bytes:
    return template_bytes(COLUMNS, EXAMPLE)


def parse_rows(rows: Iterable[CsvRow]) -> tuple[list[OpdRow], list[RowError]]:
    """Valid rows and every problem found, without touching the database."""
    parsed: list[OpdRow] = []
    errors: list[RowError] = []
    first_line_of_code: dict[str, int] = {}
    first_line_of_name: dict[str, int] = {}
    for row in rows:
        problems: list[str] = []
        shape = row_shape_error(row)
        if shape:
            errors.append(shape)
            continue
        name = code = kind = parent_code = None
        try:
            name = clean_name(row.get("name"))
        except OrgError as error:
            problems.append(str(error))
        try:
            code = clean_code(row.get("code"))
        except OrgError as error:
            problems.append(str(error))
        try:
            kind = parse_kind(row.get("kind"))
        except OrgError as error:
            problems.append(str(error))
        if row.get("parent_code"):
            try:
                parent_code = clean_code(row.get("parent_code"))
            except OrgError:
                problems.append(_("Kode induk %(c)s tidak sah.", c=row.get("parent_code")))
        active = parse_bool(row.get("active"))
        if active is None:
            problems.append(_("Kolom active harus berisi ya atau tidak, bukan %(v)s.", v=row.get("active")))
        if code and parent_code == code:
            problems.append(_("Sebuah OPD tidak dapat menjadi induk bagi dirinya sendiri."))
        if code:
            if code in first_line_of_code:
                problems.append(_("Kode %(c)s sudah dipakai di baris %(n)d berkas ini.", c=code, n=first_line_of_code[code]))
            else:
                first_line_of_code[code] = row.line
        if name:
            if name.lower() in first_line_of_name:
                problems.append(_("Nama %(v)s sudah dipakai di baris %(n)d berkas ini.", v=name, n=first_line_of_name[name.lower()]))
            else:
                first_line_of_name[name.lower()] = row.line
        if problems:
            errors.extend(RowError(row.line, p) for p in problems)
        else:
            parsed.append(OpdRow(row.line, name, code, kind, parent_code, active))
    errors.extend(_cycle_errors(parsed))
    return parsed, errors


def _cycle_errors(rows: list[OpdRow]) -> list[RowError]:
    parent_of = {r.code: r.parent_code for r in rows}
    errors = []
    for r in rows:
        seen = {r.code}
        node = r.parent_code
        while node in parent_of:
            if node in seen:
                errors.append(RowError(r.line, _("Kode induk %(c)s membentuk lingkaran antar-OPD di berkas ini.", c=r.parent_code)))
                break
            seen.add(node)
            node = parent_of[node]
    return errors


def parents_first(rows: list[OpdRow]) -> list[OpdRow]:
    """Rows ordered so that a parent from the same file is created before its children (no cycles)."""
    by_code = {r.code: r for r in rows}
    ordered: list[OpdRow] = []
    done: set[str] = set()

    def visit(r: OpdRow) -> None:
        if r.code in done:
            return
        done.add(r.code)
        if r.parent_code in by_code:
            visit(by_code[r.parent_code])
        ordered.append(r)

    for r in rows:
        visit(r)
    return ordered


def _check_against_db(rows: list[OpdRow], file_codes: set[str]) -> tuple[list[RowError], dict[str, Opd]]:
    """Clashes with existing OPDs, and the existing parents the file names (by code)."""
    errors: list[RowError] = []
    codes = {r.code for r in rows}
    names = {r.name.lower() for r in rows}
    wanted_parents = {r.parent_code for r in rows if r.parent_code and r.parent_code not in file_codes}
    taken_codes = set(db.session.scalars(select(func.upper(Opd.code)).where(func.upper(Opd.code).in_(codes)))) if codes else set()
    taken_names = set(db.session.scalars(select(func.lower(Opd.name)).where(func.lower(Opd.name).in_(names)))) if names else set()
    parents = {
        opd.code.upper(): opd
        for opd in db.session.scalars(select(Opd).where(func.upper(Opd.code).in_(wanted_parents)))
    } if wanted_parents else {}
    for r in rows:
        if r.code in taken_codes:
            errors.append(RowError(r.line, _("Kode %(c)s sudah dipakai OPD yang ada.", c=r.code)))
        if r.name.lower() in taken_names:
            errors.append(RowError(r.line, _("Nama %(v)s sudah dipakai OPD yang ada.", v=r.name)))
        if r.parent_code and r.parent_code not in file_codes and r.parent_code not in parents:
            errors.append(RowError(r.line, _(
                "Kode induk %(c)s tidak dikenal: tidak ada di data maupun di berkas ini.", c=r.parent_code
            )))
    return errors, parents


def import_opds(data: bytes, *, filename: str | None, by) -> ImportReport:
    """Create every OPD in the file, or none (the report then lists every problem by line)."""
    rows, errors = load_rows(data, filename=filename, columns=COLUMNS, required=REQUIRED)
    if errors:
        return failed(errors)
    parsed, errors = parse_rows(rows)
    file_codes = {r.get("code").strip().upper() for r in rows if r.get("code").strip()}
    db_errors, parents = _check_against_db(parsed, file_codes)
    errors.extend(db_errors)
    if errors:
        return failed(errors)

    report = ImportReport()
    by_code = dict(parents)
    for r in parents_first(parsed):
        opd = create_opd(name=r.name, code=r.code, kind=r.kind, parent=by_code.get(r.parent_code or ""),
                         active=r.active, by=by, imported=True)
        by_code[r.code] = opd
        report.created.append(opd)
    line_of = {r.code: r.line for r in parsed}
    report.created.sort(key=lambda opd: line_of[opd.code])
    record("opd.import", actor=by, object_type="opd",
           summary=say_n("Impor CSV %(file)s: %(num)d OPD dibuat", "Impor CSV %(file)s: %(num)d OPD dibuat",
                         len(report.created), file=filename or ""),
           changes={"berkas": filename, "dibuat": len(report.created), "kode": ", ".join(o.code for o in report.created)})
    return report
