"""Field data over the API: monitoring visits and their workflow, the
assistance they verify, feedback responses, referrals (closed by managers)
and aggregate survey results (the reference lists, activity types and
surveys, are in ``api.reference``). Beneficiaries (names, phones) are not
exposed at all."""

from api.beneficiaries.assistance import AssistanceRecordViewSet
from api.beneficiaries.feedback import FeedbackResponseViewSet
from api.beneficiaries.referrals import ReferralViewSet
from api.beneficiaries.survey_results import SurveyResultViewSet
from api.beneficiaries.visits import VisitViewSet

ROUTES = [
    ("visits", VisitViewSet, "visit"),
    ("assistance-records", AssistanceRecordViewSet, "assistance-record"),
    ("feedback-responses", FeedbackResponseViewSet, "feedback-response"),
    ("referrals", ReferralViewSet, "referral"),
    ("survey-results", SurveyResultViewSet, "survey-result"),
]
