"""Reading pages the way a user meets them, for tests at the level a user acts."""

from django.urls import reverse


def chart_tab(http, client, slug):
    """The page of one tab of ``client``'s chart, as text."""
    return http.get(reverse("clinicians:chart_section", args=[client.pk, slug]), follow=True).content.decode()


def whole_chart(http, client):
    """Every tab of ``client``'s chart, one after the other, as text: what a clinician
    who opens each tab in turn is offered."""
    from clinicians.chart import SECTIONS

    return "".join(chart_tab(http, client, section.slug) for section in SECTIONS)
