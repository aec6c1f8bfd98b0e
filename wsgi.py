"""WSGI entry point for production: ``gunicorn wsgi:app`` (SECRET_KEY must be set)."""
import os

from innovation import create_app

if not os.environ.get("SECRET_KEY"):
    raise RuntimeError("SECRET_KEY must be set to serve the app (export SECRET_KEY=...)")

app = create_app()
