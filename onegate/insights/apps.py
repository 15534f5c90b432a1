"""The insights app: service performance events, aggregates, measures, dashboards, open data."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "onegate.insights"
    label = "insights"
    verbose_name = _("Service performance")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from onegate.insights import receivers  # noqa: F401  (the runner's and cases' events)
