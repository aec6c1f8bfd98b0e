"""``flask --app innovation outbox run [--dry-run]``: send what is due now (for cron, every minute)."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from innovation.extensions import db, utcnow
from innovation.outbox import services
from innovation.outbox.models import OutboxEvent

outbox_cli = AppGroup("outbox", help="Domain events and their deliveries (webhooks).")


@outbox_cli.command("run")
@click.option("--dry-run", is_flag=True, help="List what is due without sending it")
@click.option("--base-url", default=None, help="The site's address for links in messages (default: PUBLIC_BASE_URL)")
def run_command(dry_run: bool, base_url: str | None) -> None:
    """Dispatch new events and send the deliveries that are due (retries included). Safe to run twice at
    once: every event and delivery is claimed by one runner."""
    now = utcnow()
    if dry_run:
        waiting = db.session.scalar(select(func.count()).select_from(OutboxEvent)
                                    .where(OutboxEvent.dispatched_at.is_(None)))
        click.echo(f"{waiting} event(s) to dispatch")
        for delivery in services.due_deliveries(now):
            click.echo(f"delivery {delivery.id}: {delivery.event.kind} -> {delivery.consumer}:{delivery.target} "
                       f"(attempt {delivery.attempts + 1})")
        return
    report = services.run_due(now, context={"base_url": base_url})
    click.echo(report.summary)
    for error in report.errors:
        click.echo(f"not dispatched: {error}", err=True)
