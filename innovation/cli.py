"""Command-line interface. Every command calls the same services as the web views."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from innovation.auth import services as account_services
from innovation.auth.models import Role
from innovation.extensions import db
from innovation.orgs.models import Opd

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--opd", "opd_code", help="OPD code (required for operators; a judge's own OPD)")
@click.option("--name", "full_name", default="", help="Full name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user_command(username: str, role: str, opd_code: str | None, full_name: str, password: str) -> None:
    """Create an account."""
    from sqlalchemy import select

    opd = None
    if opd_code:
        opd = db.session.scalar(select(Opd).where(Opd.code == opd_code))
        if opd is None:
            raise click.ClickException(f"No OPD with code {opd_code!r}")
    try:
        user = account_services.create_user(
            username=username, full_name=full_name or username, role=Role(role), password=password, opd=opd
        )
    except account_services.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.username} ({user.role.value})")


@users_cli.command("set-password")
@click.argument("username")
@click.argument("password")
def set_password_command(username: str, password: str) -> None:
    """Set an account's password (ends its sessions)."""
    user = account_services.find_user(username)
    if user is None:
        raise click.ClickException(f"No account {username!r}")
    try:
        account_services.set_password(user, password, by=None)
    except account_services.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Password set for {user.username}")


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
    from innovation.demo import demo_command

    app.cli.add_command(demo_command)
    from innovation.uploads.cli import uploads_cli

    app.cli.add_command(uploads_cli)
    from innovation.judging.cli import results_cli

    app.cli.add_command(results_cli)
    from innovation.reporting.cli import export_cli

    app.cli.add_command(export_cli)
    from innovation.jobs.cli import jobs_cli

    app.cli.add_command(jobs_cli)
