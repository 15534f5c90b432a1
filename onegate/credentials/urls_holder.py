"""The entitlement pages: the holder's under "Your account", the back office's under casework/.

Their own namespace, ``entitlements``: the credentials module's public endpoints (issuer
metadata, status lists, the verifier and the gate) are named under ``credentials``.
"""

from django.urls import path

from onegate.credentials import views_holder, views_staff

app_name = "entitlements"

HOLDER = "account/entitlements/<uuid:entitlement_id>/"
STAFF = "casework/entitlements/<uuid:entitlement_id>/"

urlpatterns = [
    path("account/entitlements/", views_holder.entitlements, name="list"),
    path(HOLDER, views_holder.detail, name="detail"),
    path(HOLDER + "credential.sd-jwt", views_holder.download, name="download"),
    path(HOLDER + "card.pdf", views_holder.card, name="card"),
    path(HOLDER + "lost/", views_holder.lost, name="lost"),
    path("casework/entitlements/", views_staff.search, name="staff_search"),
    path(STAFF, views_staff.entitlement, name="staff_entitlement"),
    path(STAFF + "suspend/", views_staff.suspend, name="suspend"),
    path(STAFF + "reinstate/", views_staff.reinstate, name="reinstate"),
    path(STAFF + "revoke/", views_staff.revoke, name="revoke"),
]
