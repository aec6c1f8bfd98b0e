"""Jinja filters and globals shared by every template."""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache

from flask import Flask, request

from innovation.numbers import format_number, page_locale
from innovation.timeutil import format_local, to_local


@lru_cache(maxsize=256)
def _static_version(path: str, mtime_ns: int, size: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(65536), b""):
            digest.update(block)
    return digest.hexdigest()[:10]


def static_version(static_folder: str, filename: str) -> str | None:
    """A short content hash of a static file, so its URL changes whenever the file does."""
    path = os.path.join(static_folder, filename)
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return _static_version(path, stat.st_mtime_ns, stat.st_size)


def init_app(app: Flask) -> None:
    @app.url_defaults
    def version_static_urls(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = static_version(app.static_folder, values["filename"])
            if version:
                values["v"] = version

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
            "current_locale": page_locale(),
            "current_path": request.full_path.rstrip("?") if request else "/",
        }
