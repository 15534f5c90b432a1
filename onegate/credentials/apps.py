"""The credentials app: entitlements, SD-JWT VC credentials, status lists and verification."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    name = "onegate.credentials"
    label = "credentials"
    verbose_name = _("Entitlements and credentials")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from onegate.credentials import checks, receivers  # noqa: F401  (deploy check; case_decided)
        from onegate.credentials.notifications import register

        register()  # the messages to holders
