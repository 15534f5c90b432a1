"""URL roots. Pages sit inside i18n patterns (English at /, Thai under /th/); machine endpoints,
the admin and the API do not."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from onegate.api.urls import api
from onegate.core import views as core_views

handler400 = "onegate.pages.views.bad_request"
handler403 = "onegate.pages.views.permission_denied"
handler404 = "onegate.pages.views.page_not_found"
handler500 = "onegate.pages.views.server_error"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("", include("onegate.catalogue.urls")),
    path("", include("onegate.pages.urls")),
    path("", include("onegate.registries.urls")),
    prefix_default_language=False,
)
