"""App configuration for identity: accounts, sign-in, assurance, proofing, acting for others."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "onegate.identity"
    label = "identity"
    verbose_name = _("Identity")
