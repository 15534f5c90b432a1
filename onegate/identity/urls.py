"""Identity's own pages, under ``/account/`` (``/th/account/`` in Thai); allauth's sign-in pages
stay under ``/accounts/``. Each identity helper adds its own lines below its own comment."""

from django.urls import path

from onegate.identity import views_account, views_acting, views_proofing, views_staff, views_unlink

app_name = "identity"

urlpatterns = [
    # Accounts: the account hub, the session (timeout) pages, staff sign-in method rule.
    path("", views_account.home, name="home"),
    path("session/", views_account.session, name="session"),
    path("session/extend", views_account.session_extend, name="session_extend"),
    path("session/status", views_account.session_status, name="session_status"),
    path("sign-out-everywhere", views_account.sign_out_everywhere, name="sign_out_everywhere"),
    path(
        "sign-in-method-required/",
        views_account.sign_in_method_required,
        name="sign_in_method_required",
    ),
    # Proofing: prove who you are (online or at a service centre), the officer's check, step-up.
    path("identity/", views_proofing.proof, name="proof"),
    path("identity/at-a-service-centre/", views_proofing.proof_in_person, name="proof_in_person"),
    path("identity/<slug:slug>/", views_proofing.proof_method, name="proof_method"),
    path("staff/identity-check/", views_proofing.proof_officer, name="proof_officer"),
    path("step-up/", views_proofing.step_up, name="step_up"),
    # Acting: the "acting for" switch, delegations, who looked at my data, change of address.
    path("acting/", views_acting.acting_for, name="acting"),
    path("delegations/", views_acting.delegations, name="delegations"),
    path("delegations/new/", views_acting.delegation_new, name="delegation_new"),
    path("delegations/<uuid:delegation_id>/", views_acting.delegation, name="delegation"),
    path(
        "delegations/<uuid:delegation_id>/accept/",
        views_acting.delegation_accept_view,
        name="delegation_accept",
    ),
    path(
        "delegations/<uuid:delegation_id>/decline/",
        views_acting.delegation_decline_view,
        name="delegation_decline",
    ),
    path(
        "delegations/<uuid:delegation_id>/revoke/",
        views_acting.delegation_revoke_view,
        name="delegation_revoke",
    ),
    path("who-looked-at-my-data/", views_acting.access_log, name="access_log"),
    path(
        "who-looked-at-my-data/download.csv",
        views_acting.access_log_download,
        {"fmt": "csv"},
        name="access_log_csv",
    ),
    path(
        "who-looked-at-my-data/download.json",
        views_acting.access_log_download,
        {"fmt": "json"},
        name="access_log_json",
    ),
    path("address/", views_acting.address_start, name="address"),
    path("address/thailand/", views_acting.address_thai, name="address_thai"),
    path("address/abroad/", views_acting.address_abroad, name="address_abroad"),
    path("address/changes/", views_acting.address_changes, name="address_changes"),
    path("address/changes/<uuid:event_id>/", views_acting.address_change, name="address_change"),
    # Organisations: an agency's staff, giving and ending roles (agency administrators).
    path("agency-staff/", views_staff.staff_agencies, name="staff_agencies"),
    path("agency-staff/<slug:agency_slug>/", views_staff.staff_list, name="staff_list"),
    path("agency-staff/<slug:agency_slug>/grant/", views_staff.staff_grant, name="staff_grant"),
    path("agency-staff/roles/<uuid:membership_id>/end/", views_staff.staff_end, name="staff_end"),
    # Identity links: the person unlinks their account; support finds an account and unlinks it.
    path("unlink-identity/", views_unlink.unlink, name="unlink"),
    path("support/identity-links/", views_unlink.support_links, name="support_links"),
    path(
        "support/identity-links/<uuid:account_id>/",
        views_unlink.support_link,
        name="support_link",
    ),
]
