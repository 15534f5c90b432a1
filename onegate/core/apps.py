"""App configuration for the shared base pieces."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "onegate.core"
    label = "core"
    verbose_name = "OneGate core"
