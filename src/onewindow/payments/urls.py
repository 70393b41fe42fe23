from django.urls import path

from . import views

urlpatterns = [
    path("cases/<int:case_id>/pay/", views.pay, name="case-pay"),
    path("cases/<int:case_id>/pay/window/", views.record_at_window, name="case-pay-window"),
    path("payments/return/", views.came_back, name="payment-return"),
    path("payments/notice/", views.notice, name="payment-notice"),
    path("payments/reconciliation/", views.reconciliation, name="payments-reconciliation"),
    path("payments/<str:reference>/receipt.pdf", views.receipt, name="payment-receipt"),
    path("payments/<str:reference>/refund/", views.refund, name="payment-refund"),
]
