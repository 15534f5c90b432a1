"""The second node's URLs: the API (with the registry API in it) and the health check only.

The node under test answers registry questions and nothing else, so it starts fast and does not
depend on the site's pages.
"""

from django.urls import path

from onegate.api.urls import api
from onegate.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
]
