"""App configuration for the registries: authoritative people, families, documents and addresses."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistriesConfig(AppConfig):
    name = "onegate.registries"
    label = "registries"
    verbose_name = _("Registries")
