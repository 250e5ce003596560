"""The visit form's shared reaches: "these lines together reached 110
households", each named by a letter the lines choose (``AssistanceLineForm.reach``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from beneficiaries.models_reach import HOUSEHOLD_SIZE_MAX, HOUSEHOLD_SIZE_MIN, SharedReach
from beneficiaries.services.reach import ReachGiven
from programmes.l10n import LocalIntegerField

REACH_KEYS = ["A", "B", "C", "D", "E", "F"]


def reach_choices() -> list[tuple[str, str]]:
    """The choices of a line's reach: none, or one of the letters."""
    return [("", _("None: the line's own households")), *((key, key) for key in REACH_KEYS)]


class SharedReachForm(forms.Form):
    """Households and people several lines of the visit reached together."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    key = forms.ChoiceField(
        label=_("Shared reach"),
        # An empty first choice: a browser sends a select's first option, so
        # an untouched extra reach would otherwise read as a reach "A" to check.
        choices=[("", "—"), *((key, key) for key in REACH_KEYS)],
        help_text=_("The letter its lines choose under “Shares its households with”."),
    )
    households = LocalIntegerField(label=_("Households"), min_value=0)
    people = LocalIntegerField(label=_("People (direct recipients)"), min_value=0)
    household_size = LocalIntegerField(
        label=_("Recorded household size"),
        min_value=HOUSEHOLD_SIZE_MIN,
        max_value=HOUSEHOLD_SIZE_MAX,
        required=False,
        help_text=_("Only if you were told it; leave empty otherwise."),
    )


ReachFormSet = forms.formset_factory(
    SharedReachForm, extra=1, can_delete=True, max_num=len(REACH_KEYS), validate_max=True
)


def reach_keys(records) -> dict[int, str]:
    """A letter for each shared reach of a visit's ``records``, in line order."""
    keys: dict[int, str] = {}
    for record in records:
        if record.reach_id and record.reach_id not in keys and len(keys) < len(REACH_KEYS):
            keys[record.reach_id] = REACH_KEYS[len(keys)]
    return keys


def reach_initial(records, keys: dict[int, str]) -> list[dict]:
    """Initial data of the reach formset for a visit's records."""
    reaches = {record.reach_id: record.reach for record in records if record.reach_id}
    return [
        {
            "id": pk,
            "key": key,
            "households": reaches[pk].households,
            "people": reaches[pk].people,
            "household_size": reaches[pk].household_size,
        }
        for pk, key in keys.items()
    ]


def reach_changes(formset) -> list[ReachGiven]:
    """The reaches the formset gives (none removed or left blank)."""
    if formset is None:
        return []
    deleted = set(formset.deleted_forms)
    given = []
    for form in formset.forms:
        if form in deleted or (form.cleaned_data.get("id") is None and not form.has_changed()):
            continue
        data = form.cleaned_data
        given.append(
            ReachGiven(
                key=data["key"],
                households=data["households"],
                people=data["people"],
                household_size=data.get("household_size"),
                reach_id=data.get("id"),
            )
        )
    return given


__all__ = ["ReachFormSet", "SharedReach", "reach_changes", "reach_initial", "reach_keys"]
