"""Performance harness (issue 5): ``python -m benchmarks.seed`` fills a database in bulk,
``python -m benchmarks.run`` measures the app under gunicorn against it. See docs/PERFORMANCE.md."""
