from django.urls import path

from . import views

urlpatterns = [
    path("policies/", views.library, name="policies"),
    path("policies/calendar.ics", views.calendar_ics, name="policies-calendar"),
    path("policies/take-up/", views.take_up_report, name="proactive-take-up"),
    path("policies/<slug:code>/", views.policy, name="policy"),
    path("policies/<slug:code>/apply/", views.apply, name="policy-apply"),
    path("policies/<slug:code>/confirm/", views.confirm, name="policy-confirm"),
    path("policies/<slug:code>/matches/", views.matches, name="policy-matches"),
    path("policies/<slug:code>/matches.csv", views.matches_csv, name="policy-matches-csv"),
    path("policies/<slug:code>/test/", views.test, name="policy-test"),
    path("policies/<slug:code>/publish/", views.publish, name="policy-publish"),
    path("my/policies/", views.my_policies, name="my-policies"),
    path("my/policies/profile/", views.my_profile, name="my-policies-profile"),
    path("my/policies/subscriptions/", views.subscriptions, name="my-policies-subscriptions"),
    path("my/offers/", views.my_offers, name="my-offers"),
    path("my/offers/settings/", views.offer_settings, name="my-offers-settings"),
    path("my/offers/<int:offer_id>/take-up/", views.take_up, name="offer-take-up"),
    path("my/offers/<int:offer_id>/decline/", views.decline, name="offer-decline"),
]
