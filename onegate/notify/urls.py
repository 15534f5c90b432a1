"""The person's messages pages, under ``/account/messages/`` (``/th/account/messages/``)."""

from django.urls import path

from onegate.notify import views

app_name = "notify"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("preferences/", views.preferences, name="preferences"),
    path("preferences/phone/", views.phone_add, name="phone_add"),
    path("preferences/email/", views.email_add, name="email_add"),
    path("preferences/verify/<uuid:verification_id>/", views.verify, name="verify"),
    path("preferences/remove/<str:channel>/", views.contact_delete, name="contact_remove"),
    path("<uuid:message_pk>/", views.message, name="message"),
]
