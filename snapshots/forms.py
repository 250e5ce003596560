"""The forms of the snapshot pages: starting a draft (a series, or a
portfolio and a cadence, and a period) and changing a draft's title, day,
disclaimer and contact. The block editors are in ``block_forms``.

The forms only read and shape what was typed; the rules (a period already
published, an as-of day outside the period ...) are the services', whose
ValidationError the pages attach to these forms by field."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.l10n import LocalDateField
from snapshots.access import programmes_for_snapshots, series_for_user
from snapshots.cadence import Cadence, Period
from snapshots.models import Snapshot

# How far back the period choices go, per cadence (from the earliest programme's start).
PERIODS_MAX = {Cadence.MONTHLY: 120, Cadence.QUARTERLY: 80, Cadence.ANNUAL: 30}


def period_choices(cadence: str, first: dt.date, today: dt.date) -> list[tuple[str, str]]:
    """The periods of ``cadence`` from the one holding ``first`` to the one
    running ``today``, newest first, as (``"cadence:last day"``, label)."""
    choices, period = [], Period.containing(cadence, today)
    while period.end >= first and len(choices) < PERIODS_MAX[Cadence(cadence)]:
        choices.append((f"{cadence}:{period.end.isoformat()}", period.label))
        period = period.previous()
    return choices


def _period(value: str) -> Period:
    cadence, _sep, day = value.partition(":")
    return Period.containing(cadence, dt.date.fromisoformat(day))


class SnapshotCreateForm(forms.Form):
    """A new draft: of an existing series, or of a portfolio (programmes in
    the user's scope) at a cadence, which starts a series; for a period of
    that cadence, with figures as of a day (by default the period's end, or
    today while it runs)."""

    series = forms.ModelChoiceField(
        label=_("Series"),
        queryset=None,
        required=False,
        empty_label=_("— a new series: choose the programmes and the cadence below —"),
        help_text=_("A new draft of a series starts as a copy of its latest snapshot."),
    )
    programmes = forms.ModelMultipleChoiceField(
        label=_("Programmes"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The portfolio: one programme, or several reported together."),
    )
    cadence = forms.ChoiceField(
        label=_("Cadence"),
        choices=Cadence.choices,
        initial=Cadence.QUARTERLY,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Of a new series: a series keeps its own cadence."),
    )
    period = forms.ChoiceField(label=_("Period"), choices=())
    as_of = LocalDateField(
        label=_("Figures as of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Leave empty for the last day of the period. A period that is still running "
            "is published with figures as of today."
        ),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to keep the series' title."),
    )

    def __init__(self, *args, user, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        programmes = programmes_for_snapshots(user).order_by("code")
        self.fields["programmes"].queryset = programmes
        self.fields["series"].queryset = series_for_user(user)
        self.today = today or timezone.localdate()
        first = programmes.aggregate(first=Min("start_date"))["first"] or self.today
        groups = [
            (label, period_choices(cadence, first, self.today))
            for cadence, label in Cadence.choices
        ]
        self.fields["period"].choices = groups
        # By default the last complete quarter.
        quarters = groups[1][1]
        self.fields["period"].initial = quarters[min(1, len(quarters) - 1)][0]

    def series_cadences(self) -> dict[str, str]:
        """Each offered series' cadence, by id (the page's script shows the
        periods of the chosen series' cadence only)."""
        return {str(s.pk): s.cadence for s in self.fields["series"].queryset}

    def cadence_labels(self) -> dict[str, str]:
        return {value: str(label) for value, label in Cadence.choices}

    def clean(self):
        data = super().clean()
        series = data.get("series")
        if series is None and not data.get("programmes") and "programmes" not in self.errors:
            self.add_error("programmes", _("Choose a series, or at least one programme."))
        cadence = series.cadence if series else data.get("cadence")
        if not cadence:
            self.add_error("cadence", _("Choose monthly, quarterly or annual."))
        data["cadence"] = cadence or Cadence.QUARTERLY
        value = data.get("period")
        if value:
            period = _period(value)
            if cadence and period.cadence != cadence:
                self.add_error(
                    "period",
                    _("Choose a %(cadence)s period.") % {"cadence": Cadence(cadence).label.lower()},
                )
            else:
                data["period_end"] = period.end
                data["running"] = period.start <= self.today < period.end
        return data


# An Arabic field is typed and shown right to left.
RTL = {"dir": "rtl", "lang": "ar"}
# Fields added with the Arabic: a post without them (an older page, a script)
# leaves them as they are rather than emptying them.
_KEPT_UNLESS_POSTED = ("language", "digits", "title_ar", "disclaimer_ar", "contact_ar")


def _posted_only(form: forms.Form, data: dict) -> dict:
    for name in _KEPT_UNLESS_POSTED + ("footnotes_ar",):
        if name in data and form.add_prefix(name) not in form.data:
            del data[name]
    for name in ("language", "digits"):
        if data.get(name) == "":
            del data[name]
    return data


class SnapshotEditForm(forms.Form):
    """A draft's title, figures' day, disclaimer and contact, its language
    and digits, and the Arabic of its texts."""

    title = forms.CharField(label=_("Title"), max_length=300)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=Snapshot.Language.choices,
        help_text=_(
            "Arabic and bilingual snapshots print the Arabic texts: every visible section "
            "needs its Arabic before it is published."
        ),
    )
    digits = forms.ChoiceField(
        label=_("Digits of the Arabic"),
        required=False,
        choices=Snapshot._meta.get_field("digits").choices,
    )
    title_ar = forms.CharField(
        label=_("Title (Arabic)"), max_length=300, required=False, widget=forms.TextInput(attrs=RTL)
    )
    as_of = LocalDateField(label=_("Figures as of"), widget=forms.DateInput(attrs={"type": "date"}))
    disclaimer = forms.CharField(
        label=_("Disclaimer"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    contact = forms.CharField(
        label=_("Contact"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Printed at the end: one line per line."),
    )
    disclaimer_ar = forms.CharField(
        label=_("Disclaimer (Arabic)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, **RTL}),
    )
    contact_ar = forms.CharField(
        label=_("Contact (Arabic)"), required=False, widget=forms.Textarea(attrs={"rows": 3, **RTL})
    )

    def clean(self):
        return _posted_only(self, super().clean())

    @classmethod
    def for_snapshot(cls, snapshot, data=None) -> SnapshotEditForm:
        initial = {
            "title": snapshot.title,
            "as_of": snapshot.as_of,
            "disclaimer": snapshot.disclaimer,
            "contact": snapshot.contact,
            "language": snapshot.language,
            "digits": snapshot.digits,
            "title_ar": snapshot.title_ar,
            "disclaimer_ar": snapshot.disclaimer_ar,
            "contact_ar": snapshot.contact_ar,
        }
        return cls(data, initial=initial, prefix="snapshot")


class SectionAddForm(forms.Form):
    title = forms.CharField(label=_("New section"), max_length=200)


class SectionForm(forms.Form):
    """A section's title and footnotes."""

    title = forms.CharField(label=_("Title"), max_length=200)
    footnotes = forms.CharField(
        label=_("Footnotes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One footnote per line, printed under the section."),
    )
    title_ar = forms.CharField(
        label=_("Title (Arabic)"), max_length=200, required=False, widget=forms.TextInput(attrs=RTL)
    )
    footnotes_ar = forms.CharField(
        label=_("Footnotes (Arabic)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, **RTL}),
    )

    def clean(self):
        return _posted_only(self, super().clean())

    @classmethod
    def for_section(cls, section, data=None) -> SectionForm:
        return cls(
            data,
            initial={
                "title": section.title,
                "footnotes": section.footnotes,
                "title_ar": section.title_ar,
                "footnotes_ar": section.footnotes_ar,
            },
            prefix=f"s{section.pk}",
        )


class MoveForm(forms.Form):
    offset = forms.TypedChoiceField(coerce=int, choices=[("-1", "-1"), ("1", "1")])


class HideForm(forms.Form):
    hidden = forms.TypedChoiceField(coerce=lambda v: v == "1", choices=[("0", "0"), ("1", "1")])


class SentenceForm(forms.Form):
    sentence = forms.CharField(max_length=2000)
    # "ar": the sentence goes to the narrative's Arabic text.
    language = forms.ChoiceField(choices=[("en", "en"), ("ar", "ar")], required=False)


def form_errors_from(form: forms.Form, error, *, fields=None) -> None:
    """Attach a service's ValidationError to ``form``: by field where the
    field is the form's, else to the whole form."""
    fields = form.fields if fields is None else fields
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in fields else None, errors)
    else:
        form.add_error(None, error)
