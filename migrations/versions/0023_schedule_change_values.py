"""A presentation slot's change kept as values, worded when read in the reader's language

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06

``presentation_slot.change_note`` held an Indonesian sentence written at change time ("sebelumnya
10-08-2026 08:00 WIT, Aula Bappeda"), so an English reader saw Indonesian. The slot now keeps the values
before its last change, ``previous_starts_at`` (UTC) and ``previous_room``, and ``schedule.change_note``
words them with gettext when the page is read.

Upgrade: each stored note of that form is read back into the two columns (the time as a wall clock in the
app's ``TIMEZONE``, which is where ``format_local`` wrote it; a room of "-" was the empty room) and
cleared. A note that does not read (edited by hand, another format) stays, in the column renamed
``legacy_change_note``, and is shown as it is. Downgrade writes the Indonesian sentence back from the
values, the way the code before this revision did, and drops the columns.
"""
import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa
from flask import current_app

from innovation.extensions import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

# what ``judging.schedule.sync_slots`` wrote before this revision:
#   f"sebelumnya {format_local(slot.starts_at)}, {slot.room or '-'}"
# with format_local giving "%d-%m-%Y %H:%M <TIMEZONE_LABEL>"
NOTE = re.compile(r"sebelumnya (\d{2}-\d{2}-\d{4} \d{2}:\d{2}) (\S+), (.*)", re.DOTALL)

slot = sa.table(
    'presentation_slot',
    sa.column('id', sa.Integer()),
    sa.column('previous_starts_at', UTCDateTime()),
    sa.column('previous_room', sa.String(120)),
    sa.column('legacy_change_note', sa.Text()),
)


def _zone():
    return ZoneInfo(current_app.config["TIMEZONE"]), current_app.config["TIMEZONE_LABEL"]


def read_note(note, zone, label):
    """(previous start in UTC, previous room) from a stored note, or None when it does not read."""
    found = NOTE.fullmatch(note)
    if found is None or found.group(2) != label:
        return None
    try:
        local = datetime.strptime(found.group(1), "%d-%m-%Y %H:%M")
    except ValueError:
        return None
    room = found.group(3)
    return local.replace(tzinfo=zone).astimezone(timezone.utc), ("" if room == "-" else room)


def upgrade():
    with op.batch_alter_table('presentation_slot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_starts_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('previous_room', sa.String(length=120), nullable=True))
        batch_op.alter_column('change_note', new_column_name='legacy_change_note',
                              existing_type=sa.Text(), existing_nullable=False)

    connection = op.get_bind()
    zone, label = _zone()
    notes = connection.execute(
        sa.select(slot.c.id, slot.c.legacy_change_note).where(slot.c.legacy_change_note != '')).all()
    for slot_id, note in notes:
        values = read_note(note, zone, label)
        if values is not None:
            connection.execute(slot.update().where(slot.c.id == slot_id).values(
                previous_starts_at=values[0], previous_room=values[1], legacy_change_note=''))


def downgrade():
    connection = op.get_bind()
    zone, label = _zone()
    changed = connection.execute(
        sa.select(slot.c.id, slot.c.previous_starts_at, slot.c.previous_room)
        .where(slot.c.previous_starts_at.is_not(None))).all()
    for slot_id, starts_at, room in changed:
        when = starts_at.astimezone(zone).strftime("%d-%m-%Y %H:%M")
        connection.execute(slot.update().where(slot.c.id == slot_id).values(
            legacy_change_note=f"sebelumnya {when} {label}, {room or '-'}"))

    with op.batch_alter_table('presentation_slot', schema=None) as batch_op:
        batch_op.alter_column('legacy_change_note', new_column_name='change_note',
                              existing_type=sa.Text(), existing_nullable=False)
        batch_op.drop_column('previous_room')
        batch_op.drop_column('previous_starts_at')
