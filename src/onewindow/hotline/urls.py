from django.urls import path

from . import open311, views

urlpatterns = [
    path("hotline/desk/", views.desk, name="hotline-desk"),
    path("hotline/tickets/<str:number>/", views.ticket_page, name="hotline-ticket"),
    path("hotline/tickets/<str:number>/act/", views.ticket_act, name="hotline-act"),
    path("hotline/inbox/", views.inbox, name="hotline-inbox"),
    path("hotline/callbacks/", views.callbacks, name="hotline-callbacks"),
    path("hotline/supervision/", views.supervision, name="hotline-supervision"),
    path("hotline/hot-spots/", views.hot_spots, name="hotline-hot-spots"),
    path("hotline/hot-spots/fix/", views.link_fix, name="hotline-link-fix"),
    path("hotline/my/", views.my_requests, name="hotline-my"),
    path("hotline/new/", views.new_request, name="hotline-new"),
    path("hotline/track/<str:token>/", views.track, name="hotline-track"),
    path("open311/v2/discovery.<str:format>", open311.discovery, name="open311-discovery"),
    path("open311/v2/services.<str:format>", open311.services_list, name="open311-services"),
    path("open311/v2/services/<str:code>.<str:format>", open311.service_definition, name="open311-service"),
    path("open311/v2/requests.<str:format>", open311.requests_view, name="open311-requests"),
    path("open311/v2/requests/<str:request_id>.<str:format>", open311.request_view, name="open311-request"),
]
