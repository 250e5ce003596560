"""What the services share: the editable check, the row lock, the save that
names its user in the history."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from beneficiaries.access import EDITABLE_STATUSES
from beneficiaries.models import MonitoringVisit


def _day(value: dt.date) -> str:
    return date_format(value, "DATE_FORMAT")


def _raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _require_editable(visit: MonitoringVisit) -> None:
    if visit.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _("This visit is %(status)s: it can no longer be changed.")
            % {"status": visit.get_status_display().lower()}
        )


def _locked(visit: MonitoringVisit) -> MonitoringVisit:
    """The visit re-read under a row lock, so that two reviewers (or a reviewer
    and the monitor) cannot move it at the same time."""
    return MonitoringVisit.objects.select_for_update().select_related("project").get(pk=visit.pk)


def _save(instance, *, user, reason: str = "", **kwargs) -> None:
    instance._history_user = user
    if reason:
        instance._change_reason = reason
    instance.save(**kwargs)
