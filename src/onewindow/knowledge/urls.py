from django.urls import path

from . import views

urlpatterns = [
    path("knowledge/", views.search_page, name="knowledge"),
    path("knowledge/<int:article_id>/", views.article_page, name="knowledge-article"),
    path("knowledge/write/", views.write_page, name="knowledge-write"),
    path("knowledge/<int:article_id>/edit/", views.write_page, name="knowledge-edit"),
    path("knowledge/review/", views.review_list, name="knowledge-review"),
    path("knowledge/<int:article_id>/review/", views.review_act, name="knowledge-review-act"),
    path("knowledge/unanswered/", views.unanswered_page, name="knowledge-unanswered"),
]
