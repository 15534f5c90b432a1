"""The API object mounted at /api/v1/; each domain app adds its router here.

``config/urls.py`` mounts ``api.urls`` at ``api/v1/``. The OpenAPI document is at
``/api/v1/openapi.json`` and the interactive documentation at ``/api/v1/docs``.
"""

from onegate.api import status
from onegate.api.constants import API_VERSION
from onegate.api.framework import OneGateAPI

api = OneGateAPI(title="OneGate API", version=API_VERSION, urls_namespace="api-v1")
api.add_router("", status.router)
api.add_router("/registry/", "onegate.registries.api.router")
api.add_router("/verification/", "onegate.credentials.api.router")
