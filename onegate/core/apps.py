"""App configuration for the shared base pieces."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "onegate.core"
    label = "core"
    verbose_name = _("OneGate core")
