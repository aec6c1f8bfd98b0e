"""Jinja filters and globals shared by every template."""
from __future__ import annotations

from decimal import Decimal

from flask import Flask, request
from flask_babel import get_locale

from innovation.timeutil import format_local, to_local


def format_number(value, places: int = 2) -> str:
    """Indonesian number formatting: 1.234,56 (English: 1,234.56)."""
    if value is None:
        return ""
    text = f"{Decimal(value):,.{places}f}"
    if str(get_locale()) == "id":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def init_app(app: Flask) -> None:
    app.jinja_env.filters["localtime"] = format_local
    app.jinja_env.filters["to_local"] = to_local
    app.jinja_env.filters["num"] = format_number
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def globals_():
        return {
            "region_name": app.config["REGION_NAME"],
            "tz_label": app.config["TIMEZONE_LABEL"],
            "current_locale": str(get_locale()),
            "current_path": request.full_path.rstrip("?") if request else "/",
        }
