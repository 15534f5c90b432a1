"""Catalogue URLs: the home page (the front door), search, services and life events."""

from django.urls import path

from onegate.catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("", views.home, name="home"),
]
