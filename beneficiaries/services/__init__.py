"""Writes of field data entry: monitoring visits, the assistance they verify,
their referrals, feedback responses and photos, and the review workflow.

draft → submitted → approved, or returned with a reason; a returned visit is
corrected and submitted again, and an approved visit can still be returned.
The visit's assistance records and feedback responses follow its status, so
only those of an approved visit count in indicators; approving, and returning
an approved visit, ask for the incremental recomputation of what they count in.

Who may call what is decided before, by ``access.visit_for_user``; these
services check the data and the state. Every save names its user in the
record's history. A rule broken raises ``ValidationError`` with a message a
monitor understands, by field where there is one; the forms show the same
messages, from the same functions (``visit_errors``, ``assistance_line_errors``,
``feedback_errors``).

Modules: ``visits`` (the rules, the workflow, assistance lines, referrals),
``feedback``, ``photos`` and ``visit_save`` (the visit form's one
transaction); every service is importable from here.
"""

from beneficiaries.services.feedback import (
    feedback_errors,
    feedback_response_delete,
    feedback_response_save,
)
from beneficiaries.services.location import LocationFix, visit_location_save
from beneficiaries.services.photos import (
    PHOTO_DISPLAY_PX,
    PHOTO_FORMATS,
    PHOTO_MAX_BYTES,
    photo_add,
    photo_check,
    photo_delete,
    strip_photo_metadata,
)
from beneficiaries.services.places import place_default, place_errors, place_settle
from beneficiaries.services.reach import ReachGiven, shared_reach_errors
from beneficiaries.services.survey_results import counts_from_shares, survey_result_save
from beneficiaries.services.visit_save import (
    FeedbackChange,
    LineChange,
    PhotoAdd,
    ReferralChange,
    visit_save,
)
from beneficiaries.services.visits import (
    activity_fits_sector,
    assistance_line_delete,
    assistance_line_errors,
    assistance_line_save,
    line_date_errors,
    referral_close,
    referral_delete,
    referral_save,
    visit_approve,
    visit_create,
    visit_errors,
    visit_return,
    visit_submit,
    visit_update,
)

__all__ = [
    "FeedbackChange",
    "LineChange",
    "LocationFix",
    "PhotoAdd",
    "ReachGiven",
    "ReferralChange",
    "PHOTO_DISPLAY_PX",
    "PHOTO_FORMATS",
    "PHOTO_MAX_BYTES",
    "activity_fits_sector",
    "shared_reach_errors",
    "assistance_line_delete",
    "assistance_line_errors",
    "assistance_line_save",
    "counts_from_shares",
    "survey_result_save",
    "feedback_errors",
    "line_date_errors",
    "feedback_response_delete",
    "feedback_response_save",
    "photo_add",
    "photo_check",
    "photo_delete",
    "place_default",
    "place_errors",
    "place_settle",
    "referral_close",
    "referral_delete",
    "referral_save",
    "strip_photo_metadata",
    "visit_approve",
    "visit_create",
    "visit_errors",
    "visit_location_save",
    "visit_return",
    "visit_save",
    "visit_submit",
    "visit_update",
]
