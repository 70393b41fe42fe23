from django.urls import path

from . import views

urlpatterns = [
    path("cases/", views.case_list, name="cases"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/act/", views.case_act, name="case-act"),
    path("cases/<int:case_id>/receipt.pdf", views.receipt, name="case-receipt"),
    path("cases/<int:case_id>/decision.pdf", views.decision, name="case-decision"),
    path("services/<str:code>/apply/", views.intake, name="intake"),
    path("track/<str:number>/", views.track, name="track"),
]
