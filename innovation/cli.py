"""Command-line interface: every area's command group on ``flask --app innovation``. Each command calls
the same services as the web views (and commits once, as a view does)."""
from __future__ import annotations

from flask import Flask

from innovation.auth.cli import users_cli
from innovation.demo import demo_command
from innovation.innovations.cli import innovations_cli
from innovation.jobs.cli import jobs_cli
from innovation.judging.cli import results_cli
from innovation.outbox.cli import outbox_cli
from innovation.reporting.cli import export_cli
from innovation.uploads.cli import uploads_cli
from innovation.notify.cli import notify_cli


def register_cli(app: Flask) -> None:
    for command in (users_cli, demo_command, uploads_cli, results_cli, export_cli, jobs_cli, outbox_cli, innovations_cli):
        app.cli.add_command(command)
    app.cli.add_command(notify_cli)
