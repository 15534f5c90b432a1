"""The local SMS gateway simulator's URL (a 404 unless ``NOTIFY_SMS_SIMULATOR`` is on)."""

from django.urls import path

from onegate.notify import simulator

app_name = "notify_sim"

urlpatterns = [path("sms/", simulator.sms_gateway, name="sms")]
