"""The review workflow in the admin: "Approve" and "Return (with reason)"
actions on the visit list, calling the same services as the pages and the
API, for the visits the user may review (``access.visit_for_user``). The
workflow's fields themselves are read-only in the admin."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from beneficiaries import services
from beneficiaries.access import visit_for_user


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        help_text=gettext_lazy("Say what the monitor must correct: they will read it."),
    )


class ReviewActionsMixin:
    """Admin actions that move visits through the review workflow."""

    actions = ["approve_visits", "return_visits"]

    def _review(
        self, request, queryset, service: Callable, done_message: Callable[[int], str], **kwargs
    ) -> None:
        """Call ``service`` on each selected visit the user may review; say
        how many moved and why each of the others did not."""
        done = 0
        for selected in queryset.order_by("pk"):
            try:
                visit = visit_for_user(request.user, selected.pk, review=True)
                service(visit=visit, user=request.user, **kwargs)
            except Http404:
                problem = _("you may not review this visit.")
            except ValidationError as error:
                problem = " ".join(error.messages)
            else:
                done += 1
                continue
            self.message_user(
                request,
                _("%(visit)s: %(problem)s") % {"visit": selected, "problem": problem},
                messages.ERROR,
            )
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=gettext_lazy("Approve"), permissions=["change"])
    def approve_visits(self, request, queryset):
        self._review(
            request,
            queryset,
            services.visit_approve,
            lambda n: (
                ngettext("%(count)s visit approved.", "%(count)s visits approved.", n)
                % {"count": n}
            ),
        )

    @admin.action(description=gettext_lazy("Return (with reason)"), permissions=["change"])
    def return_visits(self, request, queryset):
        """First a page asking for the reason; then return the visits with it."""
        form = ReturnForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._review(
                request,
                queryset,
                services.visit_return,
                lambda n: (
                    ngettext(
                        "%(count)s visit returned to its monitor.",
                        "%(count)s visits returned to their monitors.",
                        n,
                    )
                    % {"count": n}
                ),
                reason=form.cleaned_data["reason"],
            )
            return None  # back to the list, with the messages
        context = {
            **self.admin_site.each_context(request),
            "title": _("Return visits to their monitors"),
            "opts": self.model._meta,
            "form": form,
            "visits": queryset.select_related("project", "monitor"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/beneficiaries/monitoringvisit/return_visits.html", context
        )
