"""The PHQ trend chart, drawn server-side as SVG with matplotlib, so the measures
page and the PDF progress report show the same picture."""

import base64
import datetime
import hashlib
import io

from django.core.cache import cache
from django.utils import timezone
from matplotlib import rc_context
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure

from clinicians.instruments import PHQ9, PHQ_SEVERITY_BANDS, REMISSION_BELOW, RESPONSE_DROP

# Pale fills behind the line, from green (minimal) to red (severe); the line and
# the labels on top keep WCAG AA contrast against every one of them.
BAND_FILLS = {
    "minimal": "#dcefe0",
    "mild": "#eef1cf",
    "moderate": "#fbe8c8",
    "moderately_severe": "#f8d6c2",
    "severe": "#f2c7c7",
}
DATE_PADDING = datetime.timedelta(days=3)
LINE_COLOUR = "#0b3d6e"
MARK_COLOUR = "#333333"

SVG_STYLE = {
    "svg.fonttype": "none",  # text stays text: searchable, and WeasyPrint sets it in the page font
    "svg.hashsalt": "iop-phq-trend",  # stable element ids: the same data gives the same bytes
    "font.family": "DejaVu Sans",
    "font.size": 9,
}


def phq_trend_svg(points, *, baseline=None):
    """``points``: (date, total) pairs, oldest first. Returns the SVG document text."""
    with rc_context(SVG_STYLE):
        figure = Figure(figsize=(7.2, 3.4), layout="constrained")
        axes = figure.add_subplot()
        _shade_bands(axes)
        if points:
            dates, totals = zip(*points, strict=True)
            axes.plot(dates, totals, color=LINE_COLOUR, linewidth=2, marker="o", markersize=5, zorder=3)
            locator = AutoDateLocator(maxticks=8)
            axes.xaxis.set_major_locator(locator)
            # Ticks name their day and month ("07 Dec"); no separate "2026-Dec" offset label.
            day_month = ["%Y", "%b %Y", "%d %b", "%d %b %H:%M", "%H:%M", "%S.%f"]
            concise = ConciseDateFormatter(locator, formats=day_month, zero_formats=day_month, show_offset=False)
            axes.xaxis.set_major_formatter(concise)
            # A few days either side, so one score (or two close together) still has an axis.
            axes.set_xlim(min(dates) - DATE_PADDING, max(dates) + DATE_PADDING)
        if baseline is not None and points:
            _mark_outcome_lines(axes, points[0][0], baseline)
        axes.set_ylim(0, PHQ9.max_total)
        axes.set_yticks([0, 5, 10, 15, 20, 27])
        axes.set_ylabel("PHQ total")
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _shade_bands(axes):
    for band in PHQ_SEVERITY_BANDS:
        # A band covers whole scores: 5-9 is shaded from 4.5 to 9.5.
        low = max(band.low - 0.5, 0)
        high = min(band.high + 0.5, PHQ9.max_total)
        axes.axhspan(low, high, facecolor=BAND_FILLS[band.key], edgecolor="none", zorder=0)
        axes.text(1.01, (low + high) / 2, band.label, transform=axes.get_yaxis_transform(), va="center", fontsize=8)


def _mark_outcome_lines(axes, first_date, baseline):
    axes.plot([first_date], [baseline], marker="D", markersize=9, color=MARK_COLOUR, zorder=4, linestyle="none")
    axes.annotate(f"Baseline {baseline}", (first_date, baseline), textcoords="offset points", xytext=(6, 8), fontsize=8)
    response_at = baseline * RESPONSE_DROP
    if baseline > 0:
        axes.axhline(response_at, color=MARK_COLOUR, linestyle="--", linewidth=1, zorder=2)
        axes.text(0.01, response_at + 0.4, "Response (50% drop)", transform=axes.get_yaxis_transform(), fontsize=8)
    remission_at = REMISSION_BELOW - 0.5
    axes.axhline(remission_at, color=MARK_COLOUR, linestyle=":", linewidth=1.2, zorder=2)
    axes.text(
        0.01,
        remission_at - 1.4,
        f"Remission (below {REMISSION_BELOW})",
        transform=axes.get_yaxis_transform(),
        fontsize=8,
    )


def client_trend_svg(client, progress):
    """The chart for one client's episode. Cached by the plotted data itself, so a
    new or corrected score draws afresh and the same scores are drawn once."""
    if not progress.scored:
        return ""
    points = [(timezone.localdate(a.administered_at), a.total) for a in progress.scored]
    baseline = progress.baseline.total
    digest = hashlib.sha256(repr((points, baseline)).encode()).hexdigest()
    return cache.get_or_set(f"phq-trend:v1:{digest}", lambda: phq_trend_svg(points, baseline=baseline), 60 * 60 * 24)


def as_data_uri(svg):
    """For an <img>: the page's Content-Security-Policy forbids the inline styles
    matplotlib's SVG carries, but not an image's own."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
