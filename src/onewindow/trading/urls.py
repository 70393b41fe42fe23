from django.urls import path

from . import views

urlpatterns = [
    path("trading/", views.tenders, name="trading"),
    path("trading/tenders/new/", views.new_tender, name="trading-new-tender"),
    path("trading/tenders/<str:code>/", views.tender, name="trading-tender"),
    path("trading/tenders/<str:code>/bid/", views.submit_bid, name="trading-bid"),
    path("trading/tenders/<str:code>/guarantee/", views.order_guarantee, name="trading-order"),
    path("trading/tenders/<str:code>/open/", views.open_bids, name="trading-open"),
    path("trading/tenders/<str:code>/award/", views.award, name="trading-award"),
    path("trading/tenders/<str:code>/withdraw/", views.withdraw, name="trading-withdraw"),
    path("trading/guarantees/<str:reference>/", views.guarantee, name="trading-guarantee"),
    path(
        "trading/guarantees/<str:reference>/guarantee.pdf", views.guarantee_pdf, name="trading-guarantee-pdf"
    ),
    path("trading/guarantees/<str:reference>/verify/", views.verify_guarantee, name="trading-verify"),
    path("trading/guarantees/<str:reference>/claim/", views.claim_guarantee, name="trading-claim"),
    path("trading/alerts/", views.alerts, name="trading-alerts"),
    path("trading/alerts/<int:alert_id>/", views.alert, name="trading-alert"),
    path("trading/report/", views.report, name="trading-report"),
]
