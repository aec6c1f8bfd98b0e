"""``flask uploads cleanup`` (expired tus uploads) and ``flask uploads gc`` (orphan blobs)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from innovation.extensions import db
from innovation.storage import services as storage_services
from innovation.uploads import services

uploads_cli = AppGroup("uploads", help="Resumable uploads and evidence storage housekeeping.")


@uploads_cli.command("cleanup")
def cleanup_command() -> None:
    """Delete expired unfinished uploads (rows and staging files) and stray staging files."""
    count = services.cleanup_expired()
    db.session.commit()
    click.echo(f"Removed {count} expired upload(s)/staging file(s)")


@uploads_cli.command("gc")
@click.option("--older-than", "hours", type=click.FloatRange(min=1), default=24, show_default=True,
              help="Only blobs older than this many hours (a request never takes that long to commit)")
@click.option("--dry-run", is_flag=True, help="List what would be deleted, delete nothing")
def gc_command(hours: float, dry_run: bool) -> None:
    """Delete stored blobs that no StoredFile row points to (left by a crash before a commit)."""
    keys = storage_services.collect_garbage(hours, dry_run=dry_run)
    for key in keys:
        click.echo(key)
    verb = "Would remove" if dry_run else "Removed"
    click.echo(f"{verb} {len(keys)} orphan blob(s) older than {hours:g} h")
