"""A field's choice label, as the timeline shows it once a row (a note's kind):
the same text as Django's get_FOO_display, in each language, for every value."""

import pytest
from django.db.models import Model
from django.utils import translation

from clinicians.models import Note


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    ("model", "field", "values"),
    [
        (Note, "kind", [*Note.Kind.values, "not-a-choice"]),
    ],
)
def test_label_is_djangos_for_every_value(language, model, field, values):
    with translation.override(language):
        for value in values:
            record = model(**{field: value})
            django_label = Model._get_FIELD_display(record, model._meta.get_field(field))
            assert getattr(record, f"get_{field}_display")() == django_label, value
