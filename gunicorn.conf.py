"""gunicorn's settings for this app, read by ``gunicorn wsgi:app`` started in this folder (gunicorn
loads ``./gunicorn.conf.py`` by default; flags on the command line win). docs/DEPLOY.md, "Serving model".

Threaded workers (``gthread``): a phone sending evidence at 50 kbit/s holds one thread of a worker,
not the whole worker, so two or three slow uploads leave the other threads answering everyone else
(with sync workers two such uploads held both workers of a small deployment and nobody got a page).
A gthread worker's heartbeat runs in its main loop, so a long request is not killed by the worker
timeout; a client that goes quiet mid-upload is ended by the upload's own read timeout
(``UPLOAD_READ_TIMEOUT``) instead. benchmarks/upload_starvation.py measures the difference.
"""
import os

worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
