"""``flask export kemendagri --year YEAR --out FILE.zip [--all] [--include-failing/--exclude-failing]
[--opd CODE ...] [--without-files]``."""
from __future__ import annotations

import os

import click
from flask.cli import AppGroup

from innovation.audit.services import record, say_n
from innovation.extensions import db
from innovation.reporting import export
from innovation.rules import available_years

export_cli = AppGroup("export", help="Exports for Kemendagri.")


class _LineProgress:
    """A line every ``every`` innovations (a progress bar needs a terminal; logs get lines)."""

    def __init__(self, every: int = 10):
        self.every = every
        self.last = -1

    def __call__(self, done: int, total: int, message: str) -> None:
        if done == self.last or (done % self.every and done != total and done != 0):
            return
        self.last = done
        click.echo(f"  {done}/{total} {message}", err=True)


@export_cli.command("kemendagri")
@click.option("--year", type=int, required=True, help=f"Kemendagri rules year ({', '.join(map(str, available_years()))})")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, writable=True), required=True,
              help="The ZIP file to write")
@click.option("--all", "include_all", is_flag=True, help="Every innovation of the year, not only registered ones")
@click.option("--include-failing/--exclude-failing", default=False, show_default=True,
              help="Innovations failing the year's rules: included with their gaps noted, or left out")
@click.option("--opd", "opds", multiple=True, metavar="CODE",
              help="Only this OPD's innovations (with its sub-units); repeat for several")
@click.option("--without-files", is_flag=True,
              help="Leave the evidence files out (workbook, proposals and lists only; file names stay listed)")
def kemendagri_command(year: int, out_path: str, include_all: bool, include_failing: bool, opds: tuple[str, ...],
                       without_files: bool) -> None:
    """Write the Kemendagri bundle (workbook, proposals, evidence, manifest, report) to a ZIP file."""
    if year not in available_years():
        raise click.BadParameter(f"no rules for {year}; available: {available_years()}", param_hint="--year")
    opd_ids: tuple[int, ...] = ()
    if opds:
        opd_ids, unknown = export.opd_ids_for_codes(opds)
        if unknown:
            raise click.BadParameter(f"no OPD with the code {', '.join(unknown)}", param_hint="--opd")
    options = export.ExportOptions(year=year, registered_only=not include_all, include_failing=include_failing,
                                   opd_ids=opd_ids, with_files=not without_files)
    partial = f"{out_path}.part"
    try:
        with open(partial, "wb") as out:
            report = export.write_bundle(out, options, progress=_LineProgress(), generated_by="flask export kemendagri")
        os.replace(partial, out_path)
    except BaseException:
        if os.path.exists(partial):
            os.unlink(partial)
        raise
    record("kemendagri_export.cli", actor=None, object_type="export",
           summary=say_n("Ekspor Kemendagri %(year)d ke %(file)s (CLI): %(num)d inovasi",
                         "Ekspor Kemendagri %(year)d ke %(file)s (CLI): %(num)d inovasi",
                         report.exported, year=year, file=os.path.basename(out_path)))
    db.session.commit()
    click.echo(f"Wrote {out_path}: {report.exported} innovation(s), {len(report.left_out)} left out, "
               f"{report.files} evidence file(s), {os.path.getsize(out_path)} bytes")
