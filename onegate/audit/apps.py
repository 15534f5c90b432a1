"""App configuration for the audit log."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "onegate.audit"
    label = "audit"
    verbose_name = "Audit log"
