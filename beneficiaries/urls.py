"""Field data entry: monitoring visits and their review."""

from django.urls import path

from beneficiaries import views, views_list, views_map, views_survey_results

app_name = "beneficiaries"

urlpatterns = [
    path("", views_list.visit_list, name="visit_list"),
    path("map/", views_map.visit_map, name="visit_map"),
    path("new/", views.visit_new, name="visit_new"),
    path("<int:pk>/", views.visit_detail, name="visit_detail"),
    path("<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("<int:pk>/submit/", views.visit_submit, name="visit_submit"),
    path("<int:pk>/approve/", views.visit_approve, name="visit_approve"),
    path("<int:pk>/return/", views.visit_return, name="visit_return"),
    path(
        "<int:pk>/referrals/<int:referral_pk>/close/",
        views.referral_close,
        name="referral_close",
    ),
    path("<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("<int:pk>/photos/<int:photo_pk>/delete/", views.photo_delete, name="photo_delete"),
]

from beneficiaries import views_import, views_offline  # noqa: E402

urlpatterns += [
    path("sw.js", views_offline.service_worker, name="service_worker"),
    path("manifest.webmanifest", views_offline.manifest, name="manifest"),
    path("offline/reference.json", views_offline.reference, name="offline_reference"),
]

urlpatterns += [
    path("import/", views_import.import_upload, name="import_upload"),
    path("survey-results/", views_survey_results.survey_result_new, name="survey_result_new"),
    path(
        "import/template.csv",
        views_import.import_template,
        {"fmt": "csv"},
        name="import_template_csv",
    ),
    path(
        "import/template.xlsx",
        views_import.import_template,
        {"fmt": "xlsx"},
        name="import_template_xlsx",
    ),
    path("import/<uuid:batch_id>/", views_import.import_detail, name="import_detail"),
    path("import/<uuid:batch_id>/confirm/", views_import.import_confirm, name="import_confirm"),
    path("import/<uuid:batch_id>/review/", views_import.import_review, name="import_review"),
    path("import/<uuid:batch_id>/approve/", views_import.import_approve, name="import_approve"),
    path("import/<uuid:batch_id>/return/", views_import.import_return, name="import_return"),
]
