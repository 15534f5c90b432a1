"""allauth's "Your devices and sessions" page, with "sign out of all other devices" audited.

allauth sends no signal when it ends a person's other sessions, and its form calls its flow
directly, so the page is allauth's own view with one step added after the form does its work:
the ``identity.sessions_ended`` record (the same event "sign out everywhere" writes, with
``this_one`` false). It takes allauth's URL and name (``usersessions_list``) from in front of
allauth's include in ``config/urls.py``; allauth's code and template lookup are unchanged.
"""

from __future__ import annotations

from typing import Any

from allauth.usersessions.models import UserSession
from allauth.usersessions.views import ListUserSessionsView
from django.http import HttpResponse

from onegate.audit.constants import IdentityAction
from onegate.identity.services.accounts import account_event_record


class AuditedUserSessionsView(ListUserSessionsView):
    """allauth's list of sessions; ending the others is recorded in the audit log."""

    def form_valid(self, form: Any) -> HttpResponse:
        user = self.request.user
        before = UserSession.objects.filter(user_id=user.pk).count()
        response = super().form_valid(form)
        after = UserSession.objects.filter(user_id=user.pk).count()
        account_event_record(
            actor=user,
            action=IdentityAction.SESSIONS_ENDED,
            account_id=user.pk,
            payload={"other_sessions": before - after, "this_one": False},
        )
        return response


sessions_list = AuditedUserSessionsView.as_view()
