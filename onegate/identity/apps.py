"""App configuration for identity: accounts, sign-in, assurance, proofing, acting for others."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "onegate.identity"
    label = "identity"
    verbose_name = _("Identity")

    def ready(self) -> None:
        # Sign-ins, sign-outs and sign-in method changes are audited from allauth's signals.
        from onegate.identity import account_events

        account_events.connect()
        from onegate.identity.oidc import checks  # noqa: F401  (registers the deploy checks)
