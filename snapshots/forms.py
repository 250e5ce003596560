"""The form a manager fills in to start a snapshot."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.selectors import quarter_end
from snapshots.access import programmes_for_snapshots
from snapshots.selectors import quarter_label

QUARTERS_MAX = 80  # 20 years


def quarter_choices(first: dt.date, today: dt.date) -> list[tuple[str, str]]:
    """Every quarter from ``first``'s to the current one, newest first."""
    choices, day = [], quarter_end(today)
    while day >= first and len(choices) < QUARTERS_MAX:
        choices.append((day.isoformat(), quarter_label(day)))
        day = quarter_end(day.replace(day=1) - dt.timedelta(days=80))
    return choices


class SnapshotCreateForm(forms.Form):
    programmes = forms.ModelMultipleChoiceField(
        label=_("Programmes"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The portfolio: one programme, or several reported together."),
    )
    quarter_end = forms.TypedChoiceField(
        label=_("Quarter"), coerce=dt.date.fromisoformat, choices=()
    )
    as_of = forms.DateField(
        label=_("Figures as of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for the last day of the quarter."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Leave empty for the programme names."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        programmes = programmes_for_snapshots(user).order_by("code")
        self.fields["programmes"].queryset = programmes
        today = timezone.localdate()
        # From the first quarter of the earliest programme offered.
        first = programmes.aggregate(first=Min("start_date"))["first"] or today
        choices = quarter_choices(first, today)
        self.fields["quarter_end"].choices = choices
        # By default the last complete quarter.
        self.fields["quarter_end"].initial = choices[min(1, len(choices) - 1)][0]
