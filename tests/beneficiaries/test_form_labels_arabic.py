"""The field forms speak Arabic to a monitor whose phone does: no label is left
in English because it came from a model field without a translated name."""

import re

import pytest
from django import forms as django_forms
from django.utils import translation

from beneficiaries import forms

ARABIC = re.compile(r"[\u0600-\u06ff]")
FORMS = [
    cls
    for cls in vars(forms).values()
    if isinstance(cls, type)
    and issubclass(cls, django_forms.Form)
    and cls.__module__ == forms.__name__
]


@pytest.mark.parametrize("form", FORMS, ids=lambda cls: cls.__name__)
def test_every_label_is_arabic(form):
    with translation.override("ar"):
        english = {
            name: str(field.label)
            for name, field in form.base_fields.items()
            if field.label and not ARABIC.search(str(field.label))
        }
    assert not english, f"{form.__name__} labels left in English: {english}"
