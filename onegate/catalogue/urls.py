"""Catalogue URLs: the home page (the front door), search, services, life events and agencies.

Slugs are the same in English and Thai; the Thai pages are the same paths under ``/th/``.
"""

from django.urls import path

from onegate.catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("services/", views.service_list, name="service_list"),
    path("services/<slug:slug>/", views.service_detail, name="service"),
    path("services/<slug:slug>/start/", views.service_start, name="start"),
    path("life-events/<slug:slug>/", views.life_event_detail, name="life_event"),
    path("agencies/<slug:slug>/", views.agency_detail, name="agency"),
]
