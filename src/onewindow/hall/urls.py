from django.urls import path

from . import views

urlpatterns = [
    path("hall/", views.hall_list, name="halls"),
    path("hall/appointments/", views.my_appointments, name="my-appointments"),
    path(
        "hall/appointments/<str:appointment_code>/cancel/",
        views.appointment_cancel,
        name="appointment-cancel",
    ),
    path("hall/tickets/<str:token>/", views.ticket_page, name="hall-ticket"),
    path("hall/<str:code>/kiosk/", views.kiosk, name="hall-kiosk"),
    path("hall/<str:code>/kiosk/enrol/", views.kiosk_enrol, name="hall-kiosk-enrol"),
    path("hall/<str:code>/check-in/", views.check_in, name="hall-check-in"),
    path("hall/<str:code>/check-in/<str:appointment_code>/", views.check_in, name="hall-check-in-code"),
    path("hall/<str:code>/board/", views.board, name="hall-board"),
    path("hall/<str:code>/board/live/", views.board_live, name="hall-board-live"),
    path("hall/<str:code>/window/", views.console, name="hall-console"),
    path("hall/<str:code>/window/act/", views.console_act, name="hall-console-act"),
    path("hall/<str:code>/appointments/", views.appointments, name="hall-appointments"),
    path("hall/<str:code>/analytics/", views.analytics, name="hall-analytics"),
]
