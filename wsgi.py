"""WSGI entry point for production: ``gunicorn wsgi:app`` (SECRET_KEY must be set)."""
import gc
import os

from innovation import create_app

if not os.environ.get("SECRET_KEY"):
    raise RuntimeError("SECRET_KEY must be set to serve the app (export SECRET_KEY=...)")

app = create_app()

# Everything loaded so far (modules, rules, the app) lives as long as the process: keep it out of the
# garbage collector's full collections. Measured in-process on the 10,000-innovation benchmark
# database: a full collection over the ~217,000 start-up objects paused a request for 175 ms; after
# the freeze the full collections took 3 ms each (docs/PERFORMANCE.md).
gc.freeze()
