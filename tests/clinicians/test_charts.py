"""The trend chart: the same SVG for the same data, text kept as text, bands shaded."""

import datetime

from clinicians.charts import BAND_FILLS, phq_trend_svg

POINTS = [(datetime.date(2026, 9, 7) + datetime.timedelta(weeks=i), t) for i, t in enumerate([18, 15, 11, 8])]


def test_chart_is_deterministic():
    assert phq_trend_svg(POINTS, baseline=18) == phq_trend_svg(POINTS, baseline=18)


def test_chart_keeps_text_and_marks_bands_baseline_response_and_remission():
    svg = phq_trend_svg(POINTS, baseline=18)
    for label in (
        "Minimal",
        "Moderately severe",
        "Severe",
        "Baseline 18",
        "Response (50% drop)",
        "Remission (below 5)",
    ):
        assert label in svg
    for colour in BAND_FILLS.values():
        assert colour in svg
    assert "<dc:date>" not in svg


def test_a_single_score_still_draws():
    assert "Baseline 9" in phq_trend_svg(POINTS[:1], baseline=9)


def test_the_same_svg_renders_into_a_pdf_with_its_text(tmp_path):
    """The progress report embeds this chart: WeasyPrint draws it and keeps its labels as text."""
    import io

    from pypdf import PdfReader
    from weasyprint import HTML

    from clinicians.charts import as_data_uri

    svg = phq_trend_svg(POINTS, baseline=18)
    pdf = HTML(string=f'<figure><img src="{as_data_uri(svg)}" style="width: 16cm"></figure>').write_pdf()
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Baseline 18" in text
    assert "Moderately severe" in text


def test_the_trend_axis_names_day_and_month_without_an_offset_label():
    import datetime

    from clinicians.charts import phq_trend_svg

    first = datetime.date(2026, 10, 20)
    points = [(first + datetime.timedelta(weeks=n), total) for n, total in enumerate([18, 15, 13, 12, 9, 8, 7])]
    svg = phq_trend_svg(points, baseline=18)
    assert "01 Nov" in svg and "01 Dec" in svg
    assert "2026-Dec" not in svg and "2026" not in svg.split("</metadata>", 1)[-1]
