"""URL roots. Pages sit inside i18n patterns (English at /, Thai under /th/); machine endpoints,
the admin and the API do not."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from onegate.api.urls import api
from onegate.core import views as core_views
from onegate.identity import views_sessions
from onegate.identity.oidc import urls as oidc_urls

handler400 = "onegate.pages.views.bad_request"
handler403 = "onegate.pages.views.permission_denied"
handler404 = "onegate.pages.views.page_not_found"
handler500 = "onegate.pages.views.server_error"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    # Messages (issue 6): the local SMS gateway simulator, a 404 unless NOTIFY_SMS_SIMULATOR.
    path("notify-sim/", include("onegate.notify.urls_simulator")),
    # OpenID Connect provider (issue 5): discovery and JWKS under /.well-known/, token,
    # revocation and UserInfo under /o/; its pages are below, inside the language prefixes.
    path("", include(oidc_urls.endpoints)),
    # Credentials (issue 10): issuer metadata at /.well-known/jwt-vc-issuer, status lists and
    # credential type metadata under /credentials/ (machine endpoints, no language prefix).
    path("", include("onegate.credentials.urls_public")),
]

urlpatterns += i18n_patterns(
    # allauth's sessions page with "sign out of all other devices" audited (issue 5): in front of
    # allauth's own, same address and name.
    path("accounts/sessions/", views_sessions.sessions_list, name="usersessions_list"),
    path("accounts/", include("allauth.urls")),
    # Identity's own pages (account hub, session, proofing, acting for others): issue 5.
    # Messages (issue 6): the inbox and message preferences.
    path("account/messages/", include("onegate.notify.urls")),
    # The service runner (issue 8): "Your applications" at account/applications/ (so before the
    # account pages), the application pages under apply/, assisted applications under
    # service-centre/assist/; one "runner" namespace.
    path("", include("onegate.runner.urls")),
    # Cases (issue 9): a person's case pages under account/applications/case/, the back office
    # under casework/.
    path("", include("onegate.cases.urls")),
    # Verification (issue 10): the border gate at gate/, the clinic verifier at verify/.
    path("", include("onegate.credentials.urls")),
    # Entitlements (issue 10): the holder's pages under account/entitlements/, the back
    # office's under casework/entitlements/.
    path("", include("onegate.credentials.urls_holder")),
    path("account/", include("onegate.identity.urls")),
    # OpenID Connect provider's pages (issue 5): the consent page and the logout page.
    path("o/", include(oidc_urls.pages)),
    # The demo agency system that signs in with OneGate (404 unless DEMO_RP_ENABLED).
    path("demo-rp/", include("onegate.demo_rp.urls")),
    # Appointments at service centres (issue 6): find a centre, book, change, cancel; staff day.
    path("appointments/", include("onegate.appointments.urls")),
    # Service definitions (issue 7): the designer for service owners.
    path("service-design/", include("onegate.definitions.urls")),
    # Service performance (issue 11): the owners' dashboard under service-performance/ and the
    # satisfaction survey at apply/<id>/feedback/ ("insights"); the public pages and the open
    # data under performance/ ("performance"), without sign-in.
    path("", include("onegate.insights.urls")),
    path("performance/", include("onegate.insights.urls_public")),
    path("", include("onegate.catalogue.urls")),
    path("", include("onegate.pages.urls")),
    path("", include("onegate.registries.urls")),
    prefix_default_language=False,
)
