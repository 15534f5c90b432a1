"""App configuration for the REST API."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "onegate.api"
    label = "api"
    verbose_name = "OneGate API"
