"""Appointment pages under ``/appointments/`` (``/th/appointments/`` in Thai)."""

from django.urls import path

from onegate.appointments import views, views_staff

app_name = "appointments"

urlpatterns = [
    path("", views.home, name="home"),
    path("book/<slug:service_slug>/", views.find, name="find"),
    path("book/<slug:service_slug>/<slug:centre_slug>/", views.slots, name="slots"),
    # Staff: a centre's day, check-in and no-shows (before the booking reference routes).
    path("staff/", views_staff.centres, name="staff_centres"),
    path("staff/close-a-day/", views_staff.close_day, name="close_day"),
    path("staff/<uuid:centre_id>/", views_staff.day, name="staff_day"),
    path("staff/bookings/<str:reference>/check-in/", views_staff.check_in, name="check_in"),
    path("staff/bookings/<str:reference>/no-show/", views_staff.no_show, name="no_show"),
    path("<str:reference>/", views.booking, name="booking"),
    path("<str:reference>/cancel/", views.cancel, name="cancel"),
    path("<str:reference>/calendar.ics", views.calendar, name="calendar"),
]
