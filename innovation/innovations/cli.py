"""``flask innovations refresh``: recompute every innovation's derived figures (claimed and verified
score, words, gap counts) and send any verdict older than its line's evidence back to the verifier.

Run once after an upgrade that changes what the figures mean (migration 0012: rejected and corrected
lines became gaps); the pages read the stored figures, so until then an old count may show."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from innovation.extensions import db
from innovation.innovations.models import Innovation
from innovation.innovations.recheck import invalidate_outdated
from innovation.innovations.services import refresh_derived

innovations_cli = AppGroup("innovations", help="Innovation profiles and their derived figures.")

BATCH = 200


@innovations_cli.command("refresh")
def refresh_command() -> None:
    """Recompute derived figures; verdicts older than their evidence become lines to be re-checked."""
    ids = list(db.session.scalars(select(Innovation.id).order_by(Innovation.id)))
    rechecked = 0
    for start in range(0, len(ids), BATCH):
        batch = list(db.session.scalars(
            select(Innovation).where(Innovation.id.in_(ids[start:start + BATCH]))
            .options(selectinload(Innovation.answers), selectinload(Innovation.evidence))))
        for innovation in batch:
            rechecked += len(invalidate_outdated(innovation))
            refresh_derived(innovation)
        db.session.commit()  # one commit per batch: a long run keeps what it did
        db.session.expunge_all()
    click.echo(f"Refreshed {len(ids)} innovation(s); {rechecked} verified line(s) now to be re-checked")
