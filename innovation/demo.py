"""``flask demo``: Mimika's OPDs, two Innovation Weeks, accounts and innovations (idempotent)."""
from __future__ import annotations

import click


@click.command("demo")
def demo_command() -> None:
    """Load demo data (SKELETON, filled in later)."""
    click.echo("demo")
