from django.urls import path

from . import index_views, views

urlpatterns = [
    path("rate/<str:token>/", views.rate, name="rate"),
    path("rate-visit/<str:token>/", views.rate_visit, name="rate-visit"),
    path("evaluation/rectifications/", views.rectification_list, name="rectifications"),
    path(
        "evaluation/rectifications/<int:rectification_id>/", views.rectification_detail, name="rectification"
    ),
    path(
        "evaluation/rectifications/<int:rectification_id>/act/",
        views.rectification_act,
        name="rectification-act",
    ),
    path("evaluation/departments/<str:code>/", views.department_page, name="department-ratings"),
    path("evaluation/index/", index_views.dashboard, name="index"),
    path("evaluation/index/cases/", index_views.cases_behind, name="index-cases"),
    path("evaluation/productivity/", index_views.productivity, name="productivity"),
    path("evaluation/index/<str:level>/<str:code>/", index_views.unit_detail, name="index-unit"),
]
