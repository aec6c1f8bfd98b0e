"""``flask --app innovation notify run [--dry-run]``: send what is due now (for cron, every five minutes)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from innovation.extensions import db, utcnow
from innovation.jobs.models import JobStatus
from innovation.notify import job, services, triggers

notify_cli = AppGroup("notify", help="Notifications: inbox, email and WhatsApp.")


@notify_cli.command("run")
@click.option("--dry-run", is_flag=True, help="List what is due without recording or sending it")
@click.option("--here", is_flag=True, help="Send in this process instead of queueing a job (RQ)")
def run_command(dry_run: bool, here: bool) -> None:
    """Record the messages that are due and send them, through the job system. Safe to run twice, or twice
    at once: a message exists once per event, recipient and item, and each delivery is claimed by one runner."""
    now = utcnow()
    if dry_run:
        due = triggers.due(now)
        for item in due:
            click.echo(f"{item.event} -> {item.user.username} [{item.item}]")
        click.echo(f"{len(due)} new message(s)")
        for delivery in services.due_deliveries(now):
            click.echo(f"delivery {delivery.id}: {delivery.channel.value} {delivery.address} "
                       f"(attempt {delivery.attempts + 1})")
        return
    if here:
        click.echo(job.run_pass(now).summary)
        return
    started = job.start_pass()
    if started is None:
        click.echo("a notification pass is already queued")
        return
    db.session.refresh(started)
    if started.status == JobStatus.FAILED:
        raise click.ClickException(f"job {started.id} failed: {started.error}")
    where = "queued on RQ" if current_app.config.get("JOBS_BACKEND") == "rq" and started.status == JobStatus.QUEUED else ""
    click.echo(f"job {started.id}: {started.message or where or started.status.value}")
