"""``flask users create USERNAME --role ROLE [--opd CODE] [--name NAME]`` and ``flask users set-password``:
the account services the admin pages use."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from innovation.auth import services
from innovation.extensions import db
from innovation.orgs.services import find_by_code
from innovation.web import Role

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--opd", "opd_code", help="OPD code (required for operators; a judge's own OPD)")
@click.option("--name", "full_name", default="", help="Full name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user_command(username: str, role: str, opd_code: str | None, full_name: str, password: str) -> None:
    """Create an account."""
    opd = None
    if opd_code:
        opd = find_by_code(opd_code)
        if opd is None:
            raise click.ClickException(f"No OPD with code {opd_code!r}")
    try:
        user = services.create_user(
            username=username, full_name=full_name or username, role=Role(role), password=password, opd=opd
        )
    except services.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.username} ({user.role.value})")


@users_cli.command("set-password")
@click.argument("username")
@click.argument("password")
def set_password_command(username: str, password: str) -> None:
    """Set an account's password (ends its sessions)."""
    user = services.find_user(username)
    if user is None:
        raise click.ClickException(f"No account {username!r}")
    try:
        services.set_password(user, password, by=None)
    except services.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Password set for {user.username}")
