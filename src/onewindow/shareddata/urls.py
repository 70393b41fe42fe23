from django.urls import path

from . import views

urlpatterns = [
    path("my/shared-data/", views.my_shared_data, name="my-shared-data"),
    path("my/shared-data/consents/<int:consent_id>/withdraw/", views.withdraw, name="consent-withdraw"),
    path("verifications/", views.verifications, name="verifications"),
    path("verifications/<int:verification_id>/", views.verify, name="verification-record"),
    path("verifications/<int:verification_id>/evidence/", views.evidence, name="verification-evidence"),
    path("verifications/report/", views.report, name="verification-report"),
    path("prefill/<str:kind>/<str:code>/", views.prefill, name="prefill"),
]
