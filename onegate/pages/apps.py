"""App configuration for the site's frame and information pages."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "onegate.pages"
    label = "pages"
    verbose_name = _("OneGate pages")
