from django.urls import path

from . import views

urlpatterns = [
    path("cases/", views.case_list, name="cases"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/act/", views.case_act, name="case-act"),
    path("cases/<int:case_id>/reveal/", views.case_reveal, name="case-reveal"),
    path("cases/<int:case_id>/receipt.pdf", views.receipt, name="case-receipt"),
    path("cases/<int:case_id>/decision.pdf", views.decision, name="case-decision"),
    path("cases/<int:case_id>/forms/<slug:kind>.pdf", views.form, name="case-form"),
    path("cases/<int:case_id>/materials/<str:code>/", views.case_upload, name="case-upload"),
    path(
        "cases/<int:case_id>/materials/<str:code>/file", views.case_material_file, name="case-material-file"
    ),
    path("services/<str:code>/apply/", views.intake, name="intake"),
    path("track/<str:number>/", views.track, name="track"),
    path("bundles/<str:code>/apply/", views.bundle_apply, name="bundle-apply"),
    path("bundle-cases/<int:bundle_case_id>/", views.bundle_case_detail, name="bundle-case"),
    path(
        "bundle-cases/<int:bundle_case_id>/materials/<str:code>/",
        views.bundle_case_upload,
        name="bundle-upload",
    ),
    path("bundle-cases/<int:bundle_case_id>/act/", views.bundle_case_act, name="bundle-act"),
]
