"""The peer run (issue 17): pretalx and this app at equal data, served the same way, measured interleaved.

``python -m benchmarks.peer setup | seed | run``; see ``benchmarks/peer/README.md``.
"""
