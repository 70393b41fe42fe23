from django.urls import path

from . import views

urlpatterns = [
    path("certificates/verify/<str:identifier>/", views.verify_page, name="certificate-verify"),
    path("certificates/mine/", views.my_certificates, name="my-certificates"),
    path("certificates/shared/<str:token>/", views.shared, name="certificate-shared"),
    path("enterprises/<str:uscc>/", views.enterprise_page, name="enterprise-code"),
    path("certificates/<str:identifier>/", views.certificate_page, name="certificate"),
    path("certificates/<str:identifier>/share/", views.share, name="certificate-share"),
    path("certificates/<str:identifier>/show/", views.show_publicly, name="certificate-show"),
    path("certificates/<str:identifier>/signed.json", views.download, name="certificate-download"),
    path("certificates/<str:identifier>/signed.pdf", views.download_pdf, name="certificate-pdf"),
    path("certificates/<str:identifier>/status/", views.change_status, name="certificate-status"),
]
