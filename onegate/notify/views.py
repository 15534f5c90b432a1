"""The person's messages pages under ``/account/messages/``: the inbox, one message (opening it
marks it read), and preferences with a new phone number or email address proved by a code."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from onegate.notify.constants import Channel
from onegate.notify.forms import CodeForm, EmailForm, PhoneForm, PreferencesForm
from onegate.notify.selectors import inbox_of, message_of, preference_for, verification_of
from onegate.notify.services import (
    ContactCodeRefused,
    contact_remove,
    contact_verification_confirm,
    contact_verification_start,
    message_mark_read,
    preferences_update,
)

PAGE_SIZE = 20
CODE_REFUSALS = {
    "wrong_code": gettext_lazy("The code is not right. Check it and try again"),
    "expired": gettext_lazy("The code has expired. Ask for a new one"),
    "too_many_tries": gettext_lazy(
        "The code was entered wrongly too many times. Ask for a new one"
    ),
    "too_many_codes": gettext_lazy(
        "You have asked for too many codes. Wait an hour, then try again"
    ),
}


@never_cache
@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    """The person's messages, newest first, unread ones marked."""
    page = Paginator(inbox_of(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notify/inbox.html", {"page": page})


@never_cache
@login_required
@require_safe
def message(request: HttpRequest, message_pk: uuid.UUID) -> HttpResponse:
    """One message; the first opening marks it read."""
    found = message_of(user=request.user, message_pk=message_pk)
    if found.read_at is None:
        found = message_mark_read(user=request.user, message=found)
    paragraphs = [part.strip() for part in found.body.split("\n\n") if part.strip()]
    return render(request, "notify/message.html", {"message": found, "paragraphs": paragraphs})


def _preferences_initial(preference: Any) -> dict[str, Any]:
    channels = [name for name, on in (("email", preference.email_enabled),
                                      ("sms", preference.sms_enabled)) if on]  # fmt: skip
    return {"language": preference.language, "channels": channels}


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """Language and channels; the phone number and email address for messages."""
    preference = preference_for(user=request.user)
    form = PreferencesForm(request.POST or None, initial=_preferences_initial(preference))
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["channels"]
        preferences_update(
            user=request.user,
            language=form.cleaned_data["language"],
            email_enabled="email" in chosen,
            sms_enabled="sms" in chosen,
        )
        messages.success(request, _("Your message preferences have been saved."))
        return HttpResponseRedirect(reverse("notify:preferences"))
    context = {
        "form": form,
        "preference": preference,
        "account_email": getattr(request.user, "email", ""),
    }
    return render(request, "notify/preferences.html", context)


def _contact_add(request: HttpRequest, channel: str) -> HttpResponse:
    form_class = PhoneForm if channel == Channel.SMS else EmailForm
    form = form_class(request.POST or None)
    field = "phone" if channel == Channel.SMS else "email"
    if request.method == "POST" and form.is_valid():
        try:
            verification = contact_verification_start(
                user=request.user, channel=channel, address=form.cleaned_data[field]
            )
        except ContactCodeRefused as refused:
            form.add_error(field, CODE_REFUSALS[refused.code])
        else:
            return HttpResponseRedirect(
                reverse("notify:verify", kwargs={"verification_id": verification.pk})
            )
    return render(request, "notify/contact_add.html", {"form": form, "channel": channel})


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def phone_add(request: HttpRequest) -> HttpResponse:
    """Add a mobile phone number for text messages: we send a code to it."""
    return _contact_add(request, Channel.SMS)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def email_add(request: HttpRequest) -> HttpResponse:
    """Use another email address for messages: we send a code to it."""
    return _contact_add(request, Channel.EMAIL)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest, verification_id: uuid.UUID) -> HttpResponse:
    """Enter the code sent to the new phone number or email address."""
    verification = verification_of(user=request.user, verification_id=verification_id)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact_verification_confirm(
                user=request.user, verification_id=verification.pk, code=form.cleaned_data["code"]
            )
        except ContactCodeRefused as refused:
            form.add_error("code", CODE_REFUSALS[refused.code])
        else:
            messages.success(request, _("Confirmed. We will use it for your messages."))
            return HttpResponseRedirect(reverse("notify:preferences"))
    context = {"form": form, "verification": verification}
    return render(request, "notify/verify.html", context)


@login_required
@require_POST
def contact_delete(request: HttpRequest, channel: str) -> HttpResponse:
    """Forget the phone number, or the extra email address."""
    if channel not in (Channel.SMS, Channel.EMAIL):
        raise Http404("no such contact")
    contact_remove(user=request.user, channel=channel)
    messages.success(request, _("Removed."))
    return HttpResponseRedirect(reverse("notify:preferences"))
