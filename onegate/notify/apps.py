"""App configuration for notify: message templates, the outbox, channels, inbox and preferences."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "onegate.notify"
    label = "notify"
    verbose_name = _("Messages")

    def ready(self) -> None:
        # The built-in channels register themselves on import; every installed app's
        # ``notifications`` module registers its message templates.
        from onegate.notify import channels  # noqa: F401
        from onegate.notify.templates import discover_templates

        discover_templates()
