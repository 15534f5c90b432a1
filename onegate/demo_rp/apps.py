from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoRpConfig(AppConfig):
    name = "onegate.demo_rp"
    label = "demo_rp"
    verbose_name = _("Demo agency system")
