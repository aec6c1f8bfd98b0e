"""The job kinds: what a kind of background job runs, registered by name.

A job kind is a function ``run(params, out, progress) -> JobOutput`` that writes its result to the
binary stream ``out`` and calls ``progress(done, total, message)`` as it goes. Registration is explicit:
``create_app`` registers the kinds of the areas above jobs (the Kemendagri export of ``reporting``),
so jobs imports none of them, and every process that builds the app (web, ``flask jobs worker``)
knows the same kinds.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

ProgressFn = Callable[[int, int, str], None]


@dataclass(frozen=True)
class JobOutput:
    filename: str
    content_type: str = "application/octet-stream"
    message: str = ""


def json_result(filename: str, data: dict[str, Any], message: str, out: BinaryIO,
                progress: ProgressFn) -> JobOutput:
    """The end of a job done in one step (a delivery pass): ``data`` as its JSON result, ``message`` as its
    progress and final message."""
    out.write(json.dumps(data).encode("utf-8"))
    progress(1, 1, message)
    return JobOutput(filename, "application/json", message=message)


JobFunction = Callable[[dict[str, Any], BinaryIO, ProgressFn], JobOutput]

_KINDS: dict[str, JobFunction] = {}


def register_kind(kind: str, function: JobFunction) -> None:
    """Run ``function`` for the jobs of ``kind`` (registering the same kind again replaces it)."""
    _KINDS[kind] = function


def known_kind(kind: str) -> bool:
    return kind in _KINDS


def function_of(kind: str) -> JobFunction:
    """The function that runs ``kind``; KeyError for a kind nobody registered."""
    return _KINDS[kind]
