"""How allauth fits OneGate: accounts are keyed by email, messages go in the person's language.

Codes (sign-up, sign-in, password reset) go straight out through Django's email backend: a person
is waiting for them on the page. Notices that a sign-in method changed go through notify's outbox
(``message_send``) like every other message, so a mail server that is down delays them but
cannot lose them, and they appear in the person's inbox too.
"""

from __future__ import annotations

from typing import Any

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from onegate.core.languages import SUPPORTED
from onegate.identity.notifications import SECURITY_NOTICE
from onegate.notify.services import message_send

# allauth's limit on the stored user agent.
USER_AGENT_MAX_LENGTH = 500


class AccountAdapter(DefaultAccountAdapter):
    """allauth's defaults, with the account's language remembered at sign-up."""

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=False)
        user.preferred_language = getattr(request, "LANGUAGE_CODE", "en") or "en"
        if commit:
            user.save()
        return user

    def send_notification_mail(
        self,
        template_prefix: str,
        user: Any,
        context: dict[str, Any] | None = None,
        email: str | None = None,
    ) -> None:
        """A sign-in method changed: tell the person through the outbox, in both languages'
        words (notify picks the person's own)."""
        if not app_settings.EMAIL_NOTIFICATIONS:
            return
        primary = EmailAddress.objects.get_primary_email(user) or user.email
        email = email or primary
        if not email:
            return
        values = {
            "request": self.request,
            "email": email,
            "current_site": get_current_site(self.request),
            "timestamp": timezone.now(),
            "ip": self.get_client_ip(self.request),
            "user_agent": self.get_http_user_agent(self.request)[:USER_AGENT_MAX_LENGTH],
            "user": user,
            **(context or {}),
        }
        texts = self._notice_texts(template_prefix, values)
        # An address the account no longer has (the old one, after a change) gets an email alone.
        elsewhere = email.strip().lower() != (user.email or "").strip().lower()
        message_send(
            event=SECURITY_NOTICE,
            context=texts,
            to_user=None if elsewhere else user,
            to_email=email if elsewhere else None,
            language=user.preferred_language,
            actor=user if getattr(user, "is_authenticated", False) else None,
        )

    def _notice_texts(self, prefix: str, values: dict[str, Any]) -> dict[str, dict[str, str]]:
        texts: dict[str, dict[str, str]] = {"subject": {}, "body": {}}
        for language in SUPPORTED:
            with translation.override(language):
                subject = render_to_string(f"{prefix}_subject.txt", values, self.request)
                texts["subject"][language] = self.format_email_subject(
                    " ".join(subject.splitlines()).strip()
                )
                texts["body"][language] = render_to_string(
                    f"{prefix}_message.txt", values, self.request
                ).strip()
        return texts
