"""App configuration for the service catalogue."""

from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "onegate.catalogue"
    label = "catalogue"
    verbose_name = "Service catalogue"

    def ready(self) -> None:
        from onegate.catalogue import signals

        signals.connect()
