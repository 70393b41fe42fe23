from django.urls import path

from . import views

urlpatterns = [
    path("account/notices/", views.notices, name="notices"),
    path("chat/events/", views.events, name="chat-events"),
]
