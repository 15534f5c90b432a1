"""App configuration for the registries: authoritative people, families, documents and addresses."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistriesConfig(AppConfig):
    name = "onegate.registries"
    label = "registries"
    verbose_name = _("Registries")

    def ready(self) -> None:
        # A mistyped node key or peer list stops start-up with one line naming the variable.
        from onegate.registries.adapters.remote import registry_settings_validate

        registry_settings_validate()
