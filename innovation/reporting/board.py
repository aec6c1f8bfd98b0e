"""The admin's progress board: the five charts with their tables, from ``progress``'s rows."""
from __future__ import annotations

from flask_babel import gettext as _

from innovation.templating import format_number
from innovation.reporting import charts, progress
from innovation.timeutil import format_local


def _n(value, places: int = 0) -> str:
    return format_number(value, places)


def opd_chart(year: int) -> charts.Chart:
    rows = progress.opd_progress(year)
    svg = charts.horizontal_bars(
        labels=[r.opd for r in rows], maximum=100,
        series=[(_("Lengkap (%)"), [float(r.complete_percent) for r in rows]),
                (_("Kematangan rata-rata (%)"), [float(r.maturity) for r in rows])])
    return charts.Chart(
        "opd", _("Kelengkapan dan kematangan per OPD"), svg,
        _("Per OPD: persen inovasi tanpa kekurangan dan kematangan rata-rata, %(n)d OPD.", n=len(rows)),
        (_("OPD"), _("Inovasi"), _("Lengkap"), _("Lengkap (%)"), _("Dikirim ke Pekan Inovasi"),
         _("Kematangan rata-rata (%)")),
        tuple((r.opd, _n(r.innovations), _n(r.complete), _n(r.complete_percent, 1), _n(r.submitted),
               _n(r.maturity, 1)) for r in rows))


def maturity_chart(year: int) -> charts.Chart:
    bins = progress.maturity_distribution(year)
    labels = [f"{b.low}–{b.high}%" for b in bins]
    svg = charts.bars(labels=labels, series=[(_("Inovasi"), [b.count for b in bins])])
    return charts.Chart(
        "maturity", _("Sebaran kematangan"), svg,
        _("Banyaknya inovasi per rentang kematangan, %(n)d inovasi.", n=sum(b.count for b in bins)),
        (_("Kematangan"), _("Inovasi")), tuple((label, _n(b.count)) for label, b in zip(labels, bins)))


def submissions_chart(year: int, slug: str | None) -> charts.Chart | None:
    data = progress.submissions(year, slug)
    if data is None:
        return None
    labels = [d.day.strftime("%d/%m") + (" *" if d.is_deadline else "") for d in data.days]
    every = max(1, len(labels) // 12)
    svg = charts.lines(labels=labels, label_every=every, series=[
        (_("Dikirim (kumulatif)"), [d.cumulative for d in data.days]),
        (_("Terdaftar (draf dan dikirim)"), [data.entered] * len(data.days)),
        (_("Batas waktu"), [data.entered if d.is_deadline else None for d in data.days]),
    ])
    return charts.Chart(
        "submissions", _("Pengiriman %(event)s terhadap batas waktu", event=data.event_name), svg,
        _("Pendaftaran yang dikirim per hari hingga batas %(deadline)s (bertanda *); %(sent)d dari %(entered)d "
          "terdaftar sudah dikirim.", deadline=format_local(data.deadline),
          sent=data.days[-1].cumulative if data.days else 0, entered=data.entered),
        (_("Tanggal"), _("Dikirim"), _("Kumulatif")),
        tuple((d.day.strftime("%d-%m-%Y") + (" " + _("(batas waktu)") if d.is_deadline else ""),
               _n(d.submitted), _n(d.cumulative)) for d in data.days if d.submitted or d.is_deadline))


def throughput_chart() -> charts.Chart:
    weeks = progress.verification_throughput()
    labels = [w.week_start.strftime("%d/%m") for w in weeks]
    svg = charts.bars(labels=labels, rotate=30, series=[
        (_("Diverifikasi"), [w.verified for w in weeks]), (_("Dikirim ulang OPD"), [w.resubmitted for w in weeks])])
    return charts.Chart(
        "throughput", _("Kecepatan verifikasi per minggu"), svg,
        _("Baris indikator yang diverifikasi dan yang dikirim ulang OPD per minggu, %(n)d minggu terakhir.",
          n=len(weeks)),
        (_("Minggu mulai"), _("Diverifikasi"), _("Dikirim ulang OPD")),
        tuple((w.week_start.strftime("%d-%m-%Y"), _n(w.verified), _n(w.resubmitted)) for w in weeks))


def years_chart() -> charts.Chart:
    years = progress.across_years()
    labels = [str(y.year) for y in years]
    svg = charts.bars(labels=labels, series=[
        (_("Inovasi"), [y.innovations for y in years]), (_("Terdaftar"), [y.registered for y in years])],
        secondary=[(_("IID diklaim"), [float(y.claimed_iid) for y in years]),
                   (_("IID terverifikasi"), [float(y.verified_iid) for y in years])])
    return charts.Chart(
        "years", _("Indeks dan jumlah inovasi antartahun"), svg,
        _("Per tahun penilaian: jumlah inovasi, yang terdaftar, dan perkiraan IID (sumbu kanan)."),
        (_("Tahun"), _("Inovasi"), _("Terdaftar"), _("IID diklaim"), _("IID terverifikasi"), _("Predikat")),
        tuple((str(y.year), _n(y.innovations), _n(y.registered), _n(y.claimed_iid, 2), _n(y.verified_iid, 2),
               y.predicate) for y in years))


def board(year: int, event_slug: str | None = None) -> list[charts.Chart]:
    found = [opd_chart(year), maturity_chart(year), submissions_chart(year, event_slug), throughput_chart(),
             years_chart()]
    return [chart for chart in found if chart is not None]
