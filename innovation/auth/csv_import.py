"""Creating accounts from a CSV file: all rows or none.

``parse_rows`` checks each row and the file as a whole without the database; ``import_accounts`` adds
the checks against existing accounts and OPDs, then writes through ``services.create_account`` so the
rules, the generated passwords and the audit trail are those of the form.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from innovation.audit.services import record, say_n
from innovation.auth.models import User
from innovation.auth.services import (
    AccountError,
    clean_email,
    clean_full_name,
    clean_username,
    create_account,
    parse_role,
    validate_password,
)
from innovation.csvio import CsvRow, ImportReport, RowError, failed, load_rows, row_shape_error, template_bytes
from innovation.extensions import db
from innovation.orgs.models import Opd
from innovation.web import Role

COLUMNS = ("username", "full_name", "email", "role", "opd_code", "password")
REQUIRED = ("username", "full_name", "role")
EXAMPLE = ("budi.santoso", "Budi Santoso", "budi@example.go.id", "operator", "DINKES", "")


@dataclass(frozen=True)
class AccountRow:
    line: int
    username: str
    full_name: str
    email: str | None
    role: Role
    opd_code: str | None
    password: str | None


def template() -> bytes:
    return template_bytes(COLUMNS, EXAMPLE)


def parse_rows(rows: Iterable[CsvRow]) -> tuple[list[AccountRow], list[RowError]]:
    """Valid rows and every problem found, without touching the database."""
    parsed: list[AccountRow] = []
    errors: list[RowError] = []
    first_line_of: dict[str, int] = {}
    for row in rows:
        shape = row_shape_error(row)
        if shape:
            errors.append(shape)
            continue
        problems: list[str] = []
        values: dict = {}
        for name, clean in (("username", clean_username), ("full_name", clean_full_name),
                            ("email", clean_email), ("role", parse_role)):
            try:
                values[name] = clean(row.get(name))
            except AccountError as error:
                problems.append(str(error))
        opd_code = row.get("opd_code").upper() or None
        if values.get("role") == Role.OPERATOR and opd_code is None:
            problems.append(_("Operator harus terhubung ke satu OPD: isi kolom opd_code."))
        password = row.get("password") or None
        if password is not None:
            try:
                validate_password(password, username=values.get("username"))
            except AccountError as error:
                problems.append(str(error))
        username = values.get("username")
        if username:
            if username in first_line_of:
                problems.append(_("Nama pengguna %(u)s sudah dipakai di baris %(n)d berkas ini.", u=username, n=first_line_of[username]))
            else:
                first_line_of[username] = row.line
        if problems:
            errors.extend(RowError(row.line, p) for p in problems)
        else:
            parsed.append(AccountRow(row.line, username, values["full_name"], values["email"], values["role"], opd_code, password))
    return parsed, errors


def _check_against_db(rows: list[AccountRow]) -> tuple[list[RowError], dict[str, Opd]]:
    """Usernames already taken, unknown or inactive OPD codes; and the OPDs named, by code."""
    errors: list[RowError] = []
    usernames = {r.username for r in rows}
    codes = {r.opd_code for r in rows if r.opd_code}
    taken = set(db.session.scalars(
        select(func.lower(User.username)).where(func.lower(User.username).in_(usernames))
    )) if usernames else set()
    opds = {
        opd.code.upper(): opd for opd in db.session.scalars(select(Opd).where(func.upper(Opd.code).in_(codes)))
    } if codes else {}
    for r in rows:
        if r.username in taken:
            errors.append(RowError(r.line, _("Nama pengguna %(u)s sudah dipakai akun yang ada.", u=r.username)))
        if r.opd_code:
            opd = opds.get(r.opd_code)
            if opd is None:
                errors.append(RowError(r.line, _("Kode OPD %(c)s tidak dikenal.", c=r.opd_code)))
            elif not opd.active:
                errors.append(RowError(r.line, _("OPD %(c)s tidak aktif.", c=r.opd_code)))
    return errors, opds


def import_accounts(data: bytes, *, filename: str | None, by: User) -> ImportReport:
    """Create every account in the file, or none. Generated passwords are in ``report.secrets``."""
    rows, errors = load_rows(data, filename=filename, columns=COLUMNS, required=REQUIRED)
    if errors:
        return failed(errors)
    parsed, errors = parse_rows(rows)
    db_errors, opds = _check_against_db(parsed)
    errors.extend(db_errors)
    if errors:
        return failed(errors)

    report = ImportReport()
    for r in parsed:
        user, generated = create_account(
            username=r.username, full_name=r.full_name, role=r.role, opd=opds.get(r.opd_code or ""),
            email=r.email, password=r.password, by=by,
        )
        report.created.append(user)
        if generated:
            report.secrets.append((user.username, generated))
    record("user.import", actor=by, object_type="user_account",
           summary=say_n("Impor CSV %(file)s: %(num)d akun dibuat", "Impor CSV %(file)s: %(num)d akun dibuat",
                         len(report.created), file=filename or ""),
           changes={"berkas": filename, "dibuat": len(report.created),
                    "akun": ", ".join(u.username for u in report.created)})
    return report
