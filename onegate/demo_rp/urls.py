"""The demo agency system's addresses (mounted at ``/demo-rp/`` when ``DEMO_RP_ENABLED``)."""

from django.urls import path

from onegate.demo_rp import views

app_name = "demo_rp"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.start, name="start"),
    path("callback/", views.callback, name="callback"),
    path("sign-out/", views.sign_out, name="sign_out"),
]
