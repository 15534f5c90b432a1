"""The API object mounted at /api/v1/; each domain app adds its router here."""

from ninja import NinjaAPI

api = NinjaAPI(title="OneGate API", version="1", urls_namespace="api-v1")
