"""Field data over the API: monitoring visits and their workflow, the
assistance they verify, feedback responses, referrals (closed by managers), and the reference lists
(activity types, surveys) a client needs to write them. Beneficiaries
(names, phones) are not exposed at all."""

from beneficiaries.api.assistance import ActivityTypeViewSet, AssistanceRecordViewSet
from beneficiaries.api.feedback import FeedbackResponseViewSet, SurveyViewSet
from beneficiaries.api.referrals import ReferralViewSet
from beneficiaries.api.visits import VisitViewSet

ROUTES = [
    ("activity-types", ActivityTypeViewSet, "activity-type"),
    ("surveys", SurveyViewSet, "survey"),
    ("visits", VisitViewSet, "visit"),
    ("assistance-records", AssistanceRecordViewSet, "assistance-record"),
    ("feedback-responses", FeedbackResponseViewSet, "feedback-response"),
    ("referrals", ReferralViewSet, "referral"),
]
