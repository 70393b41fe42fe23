from django.urls import path

from . import views

urlpatterns = [
    path("cross-region/", views.forwarded_list, name="cross-region"),
    path("cross-region/new/", views.new, name="cross-region-new"),
    path("cross-region/outbox/", views.outbox, name="cross-region-outbox"),
    path("cross-region/outbox/<int:message_id>/", views.outbox_action, name="cross-region-outbox-action"),
    path("cross-region/<int:forwarded_id>/", views.forwarded_case, name="forwarded-case"),
    path("cross-region/<int:forwarded_id>/result.pdf", views.result_pdf, name="forwarded-result"),
    path("cross-region/<int:forwarded_id>/hand-over/", views.hand_over, name="forwarded-hand-over"),
]
