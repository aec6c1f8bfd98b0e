"""The progress board's charts as SVG, drawn on the server with pygal (no JavaScript charting, no CDN).

Each chart is an SVG document shown as ``<img src="data:image/svg+xml;base64,...">``: an image carries its
own styles, which the page's Content-Security-Policy (``style-src 'self'``, no inline styles) would refuse
inline, and scripts never run in an image (pygal adds a small config script; its tooltip script from a CDN is
switched off with ``js=[]``). The page prints every chart's values as a table beside it, for screen readers
and for printing, from the same rows. The functions take plain values and are tested without a database.
"""
from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

import pygal
from pygal.style import Style

PALETTE = ("#0b5c7a", "#e08a00", "#2e7d32", "#b3261e", "#6a4c93")

STYLE = Style(
    background="white", plot_background="white", foreground="#1d2730", foreground_strong="#1d2730",
    foreground_subtle="#5c6b77", colors=PALETTE, font_family="DejaVu Sans, Arial, sans-serif",
    label_font_size=11, major_label_font_size=11, value_font_size=10, legend_font_size=11, title_font_size=13,
)


@dataclass(frozen=True)
class Chart:
    """One chart: its id on the page, title, SVG as a data URI, and the table beside it."""

    key: str
    title: str
    svg: str  # data:image/svg+xml;base64,...
    summary: str  # the image's alt text: what the chart shows in one sentence
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _whole(value: float) -> str:
    """Axis labels as whole numbers (a 0-100 axis divided in sevenths printed 14.28571429)."""
    return f"{value:.0f}" if value is not None else ""


def _config(**extra) -> dict:
    return {"style": STYLE, "js": [], "width": 720, "height": 360, "legend_at_bottom": True,
            "print_values": False, "disable_xml_declaration": False, "truncate_label": 28,
            "explicit_size": False, "value_formatter": _whole, **extra}


def _data_uri(chart: pygal.graph.graph.Graph) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(chart.render()).decode("ascii")


def horizontal_bars(*, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]],
                    maximum: float | None = None, height_per_label: int = 26) -> str:
    chart = pygal.HorizontalBar(**_config(height=max(240, 90 + height_per_label * len(labels) * len(series)),
                                          range=(0, maximum) if maximum else None))
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, list(values))
    return _data_uri(chart)


def bars(*, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]],
         secondary: Sequence[tuple[str, Sequence[float]]] = (), rotate: int = 0) -> str:
    # the secondary axis (the IID, 0-100) from 0: from its own minimum, a year's bar could vanish
    chart = pygal.Bar(**_config(x_label_rotation=rotate, **({"secondary_range": (0, 100)} if secondary else {})))
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, list(values))
    for name, values in secondary:
        chart.add(name, list(values), secondary=True)
    return _data_uri(chart)


def lines(*, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]],
          label_every: int = 1) -> str:
    chart = pygal.Line(**_config(x_label_rotation=30, show_minor_x_labels=False, dots_size=2))
    chart.x_labels = list(labels)
    chart.x_labels_major = [label for i, label in enumerate(labels) if i % label_every == 0 or "*" in label]
    for name, values in series:
        chart.add(name, list(values))
    return _data_uri(chart)
