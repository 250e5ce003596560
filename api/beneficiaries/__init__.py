"""Field data over the API: monitoring visits and their workflow, the
assistance they verify, feedback responses, referrals (closed by managers), and the reference lists
(activity types, surveys) a client needs to write them. Beneficiaries
(names, phones) are not exposed at all."""

from api.beneficiaries.assistance import ActivityTypeViewSet, AssistanceRecordViewSet
from api.beneficiaries.feedback import FeedbackResponseViewSet, SurveyViewSet
from api.beneficiaries.referrals import ReferralViewSet
from api.beneficiaries.survey_results import SurveyResultViewSet
from api.beneficiaries.visits import VisitViewSet

ROUTES = [
    ("activity-types", ActivityTypeViewSet, "activity-type"),
    ("surveys", SurveyViewSet, "survey"),
    ("visits", VisitViewSet, "visit"),
    ("assistance-records", AssistanceRecordViewSet, "assistance-record"),
    ("feedback-responses", FeedbackResponseViewSet, "feedback-response"),
    ("referrals", ReferralViewSet, "referral"),
    ("survey-results", SurveyResultViewSet, "survey-result"),
]
