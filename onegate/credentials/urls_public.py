"""The issuer's public endpoints, outside the language prefixes (machine endpoints): issuer
metadata, status lists, credential type metadata. Namespace ``credentials``."""

from django.urls import path

from onegate.credentials import views_public

app_name = "credentials"

urlpatterns = [
    path(".well-known/jwt-vc-issuer", views_public.issuer_metadata_view, name="issuer-metadata"),
    path("credentials/status/<int:list_id>", views_public.status_list_view, name="status-list"),
    path("credentials/types/<slug:slug>", views_public.type_metadata_view, name="type-metadata"),
]
