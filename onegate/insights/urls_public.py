"""The public performance pages and the open data, in the "performance" namespace, included at
``/performance/`` inside the language prefixes (the pages and the open data's error messages
come in Thai under ``/th/``). No sign-in anywhere here: each is on the public list of
``tests/test_url_access.py``.
"""

from django.urls import path

from onegate.insights import views_public

app_name = "performance"

urlpatterns = [
    path("", views_public.index, name="index"),
    path("data.json", views_public.data_json, name="data_json"),
    path("data.csv", views_public.data_csv, name="data_csv"),
    path("data.schema.json", views_public.data_schema, name="data_schema"),
    path("about-the-data/", views_public.about, name="about"),
    path("<slug:slug>/", views_public.service, name="service"),
]
