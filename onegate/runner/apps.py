from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RunnerConfig(AppConfig):
    name = "onegate.runner"
    label = "runner"
    verbose_name = _("Applications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from onegate.runner import notifications  # noqa: F401  (message templates)
