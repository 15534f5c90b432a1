"""App configuration for appointments: slots and bookings at service centres."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "onegate.appointments"
    label = "appointments"
    verbose_name = _("Appointments")

    def ready(self) -> None:
        # The booking messages' templates register with notify when the module is imported.
        from onegate.appointments import notifications  # noqa: F401
