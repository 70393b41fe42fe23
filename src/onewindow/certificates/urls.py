from django.urls import path

from . import views

urlpatterns = [
    path("certificates/verify/<str:identifier>/", views.verify_page, name="certificate-verify"),
    path("certificates/mine/", views.my_certificates, name="my-certificates"),
    path("certificates/<str:identifier>/", views.certificate_page, name="certificate"),
    path("certificates/<str:identifier>/signed.json", views.download, name="certificate-download"),
    path("certificates/<str:identifier>/status/", views.change_status, name="certificate-status"),
]
