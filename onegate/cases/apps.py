from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "onegate.cases"
    label = "cases"
    verbose_name = _("Cases and decisions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from onegate.cases import notifications, receivers, status  # noqa: F401  (templates, the runner's event, its status lines)
