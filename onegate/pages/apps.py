"""App configuration for the site's frame and information pages."""

from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "onegate.pages"
    label = "pages"
    verbose_name = "OneGate pages"
