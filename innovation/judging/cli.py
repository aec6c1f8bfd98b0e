"""``flask results export --event SLUG --out FILE.xlsx``: the same workbook as the admin's download."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from innovation.events.models import Event
from innovation.extensions import db
from innovation.judging.export import write_results_xlsx

results_cli = AppGroup("results", help="Judging results.")


@results_cli.command("export")
@click.option("--event", "slug", required=True, help="Event slug, e.g. innovation-week-2025")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True), help="XLSX file to write")
def export_command(slug: str, out: str) -> None:
    """Write an event's results workbook (published rounds from their snapshot)."""
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise click.ClickException(f"No event {slug!r}")
    with open(out, "wb") as stream:
        write_results_xlsx(event, stream)
    click.echo(f"Wrote {out}")
