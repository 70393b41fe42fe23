from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("services/", views.search, name="search"),
    path("departments/", views.departments, name="departments"),
    path("pre-review/", views.pre_review, name="pre-review"),
    path("services/<str:code>/", views.item_detail, name="item"),
    path("services/<str:code>/guide/", views.guide, name="guide"),
    path("services/<str:code>/checklist/", views.checklist, name="checklist"),
    path("bundles/<str:code>/", views.bundle_detail, name="bundle"),
    path("bundles/<str:code>/guide/", views.bundle_guide, name="bundle-guide"),
    path("bundles/<str:code>/checklist/", views.bundle_checklist, name="bundle-checklist"),
]
