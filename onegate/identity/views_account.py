"""The person's account pages that allauth does not provide: the account hub ("Your account"),
the session page (how long until you are signed out, and staying signed in, without JavaScript),
the session status the timeout warning asks, and the page that tells staff which sign-in method
their role needs before they can go on."""

from __future__ import annotations

from dataclasses import dataclass, field

from allauth.mfa.models import Authenticator
from allauth.usersessions.adapter import get_adapter as get_usersessions_adapter
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from onegate.audit.constants import IdentityAction
from onegate.identity import account_events
from onegate.identity.middleware import missing_sign_in_method, seconds_left, session_touch
from onegate.identity.permissions import StaffPermission, staff_can
from onegate.identity.services.accounts import account_event_record


@dataclass(frozen=True)
class HubLink:
    text: str
    url: str


@dataclass
class HubSection:
    """One part of the account hub: a heading, what it is about, and where to go."""

    title: str
    description: str
    links: list[HubLink] = field(default_factory=list)


def url_for_first(*names: str) -> str | None:
    """The URL of the first of ``names`` that exists, or None.

    The hub links to pages other parts of identity provide (proving identity, acting for others,
    who looked at my data); a page not built yet is left out rather than linked broken.
    """
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def _links(*candidates: tuple[str, tuple[str, ...]]) -> list[HubLink]:
    found = [(text, url_for_first(*names)) for text, names in candidates]
    return [HubLink(text=text, url=url) for text, url in found if url]


def _sign_in_methods_summary(user_id: object) -> str:
    types = list(Authenticator.objects.filter(user_id=user_id).values_list("type", flat=True))
    passkeys = types.count(Authenticator.Type.WEBAUTHN)
    parts = []
    if Authenticator.Type.TOTP in types:
        parts.append(_("Authenticator app is on."))
    if passkeys:
        parts.append(
            ngettext("You have %(count)s passkey.", "You have %(count)s passkeys.", passkeys)
            % {"count": passkeys}
        )
    if not parts:
        return _("You sign in with your password only. Add a second way to prove it's you.")
    return " ".join(parts)


# Staff tools the hub offers, each to whoever holds its permission somewhere (the page itself
# then narrows to the agencies or centres of that permission).
_STAFF_TOOLS = (
    (
        gettext_lazy("Design and publish services"),
        StaffPermission.EDIT_SERVICE,
        ("definitions:services",),
    ),
    (
        gettext_lazy("Check someone's identity"),
        StaffPermission.PROOF_IN_PERSON,
        ("identity:proof_officer",),
    ),
    (
        gettext_lazy("Search the population register"),
        StaffPermission.VIEW_PERSON,
        ("registries:staff_search",),
    ),
    (
        gettext_lazy("Service centre appointments"),
        StaffPermission.VIEW_APPOINTMENT_DAY,
        ("appointments:staff_centres",),
    ),
    # cases (issue 9): the agency's queues and cases
    (gettext_lazy("Casework"), StaffPermission.VIEW_CASE, ("cases:queues",)),
    # credentials (issue 10): suspend, reinstate or revoke what the agency granted
    (
        gettext_lazy("Entitlements"),
        StaffPermission.MANAGE_ENTITLEMENT,
        ("entitlements:staff_search",),
    ),
    (gettext_lazy("Your agency's staff"), StaffPermission.VIEW_STAFF, ("identity:staff_agencies",)),
    # insights (issue 11): how the agency's services perform
    (
        gettext_lazy("Service performance"),
        StaffPermission.VIEW_PERFORMANCE,
        ("insights:services",),
    ),
)


def _staff_section(user: object) -> HubSection:
    allowed = [
        (str(text), names)
        for text, permission, names in _STAFF_TOOLS
        if staff_can(user, permission)
    ]
    return HubSection(
        title=_("Your work in government"),
        description=_("Tools for your role in your agency."),
        links=_links(*allowed),
    )


def hub_sections(request: HttpRequest) -> list[HubSection]:
    user = request.user
    if not user.is_authenticated:
        return []
    password_link = (
        (_("Change your password"), ("account_change_password",))
        if user.has_usable_password()
        else (_("Set a password"), ("account_set_password",))
    )
    sections = [
        HubSection(
            title=_("How you sign in"),
            description=_sign_in_methods_summary(user.pk),
            links=_links(
                (_("Sign-in methods"), ("mfa_index",)),
                password_link,
                (_("Email addresses"), ("account_email",)),
            ),
        ),
        HubSection(
            title=_("Your devices and sessions"),
            description=_(
                "See where you are signed in, and sign out everywhere else if something "
                "looks wrong."
            ),
            links=_links(
                (_("Your devices and sessions"), ("usersessions_list",)),
                (_("Your session on this device"), ("identity:session",)),
            ),
        ),
        HubSection(
            title=_("Prove who you are"),
            description=_(
                "Prove who you are once, and services can trust it without asking for documents."
            ),
            links=_links((_("Prove who you are"), ("identity:proof",))),
        ),
        HubSection(
            title=_("Your address"),
            description=_(
                "Moved house? Tell government once: the house register is updated and the "
                "agencies that need your address are told for you."
            ),
            links=_links(
                (_("Report a change of address"), ("identity:address",)),
                (_("Changes of address"), ("identity:address_changes",)),
            ),
        ),
        HubSection(
            title=_("People you act for"),
            description=_("Your children, people you care for, and people who let you help them."),
            links=_links(
                (_("People you act for"), ("identity:acting", "identity:acting_for")),
                (_("People who can act for you"), ("identity:delegations",)),
            ),
        ),
        HubSection(
            title=_("Your applications"),
            description=_(
                "What you have applied for, where each application stands, and the decisions "
                "with their reasons."
            ),
            links=_links((_("Your applications"), ("runner:applications",))),
        ),
        HubSection(
            title=_("Your entitlements"),
            description=_(
                "What government granted you and the people you act for: check it, show it as a "
                "QR code, print a card, and see who checked it."
            ),
            links=_links((_("Your entitlements"), ("entitlements:list",))),
        ),
        HubSection(
            title=_("Messages"),
            description=_(
                "What government has told you, and how you want to hear from it: email, text "
                "message or only here."
            ),
            links=_links(
                (_("Your messages"), ("notify:inbox",)),
                (_("How we contact you"), ("notify:preferences",)),
            ),
        ),
        HubSection(
            title=_("Appointments"),
            description=_("Visits you booked at a service centre, for you or someone you act for."),
            links=_links((_("Your appointments"), ("appointments:home",))),
        ),
        HubSection(
            title=_("Who looked at your data"),
            description=_("Every time someone in government reads your records, you can see it."),
            links=_links(
                (_("Who looked at your data"), ("identity:access_log", "identity:who_looked")),
            ),
        ),
        _staff_section(user),
    ]
    return [section for section in sections if section.links]


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "identity/home.html", {"sections": hub_sections(request)})


@never_cache
@require_safe
def session(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "identity/session.html", {"next": _safe_next(request)})


@never_cache
def session_extend(request: HttpRequest) -> HttpResponse:
    """Keep the session alive, and answer: JSON to the timeout warning, or back to the page for a
    plain form post."""
    if not request.user.is_authenticated:
        if _wants_json(request):
            return JsonResponse({"signed_in": False}, status=401)
        return redirect_to_login(reverse("identity:session"))
    return _extend(request)


def _extend(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    # The middleware records activity at most every few seconds; asking to stay is always one.
    session_touch(request)
    if _wants_json(request):
        return JsonResponse({"signed_in": True, "seconds_left": seconds_left(request)})
    messages.success(request, _("You're still signed in."))
    return HttpResponseRedirect(_safe_next(request) or reverse("identity:session"))


@never_cache
@require_safe
def session_status(request: HttpRequest) -> JsonResponse:
    """How long this session has left, without counting the question as activity."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    return JsonResponse(
        {
            "signed_in": True,
            "seconds_left": seconds_left(request),
            "warning_seconds": settings.IDENTITY_SESSION_WARNING_SECONDS,
        }
    )


@login_required
@require_safe
def sign_in_method_required(request: HttpRequest) -> HttpResponse:
    missing = missing_sign_in_method(request.user)
    if missing is None or not settings.IDENTITY_STAFF_MFA_REQUIRED:
        return HttpResponseRedirect(_safe_next(request) or reverse("identity:home"))
    return render(request, "identity/sign_in_method_required.html", {"missing": missing})


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of this account, this one included (allauth ends only the others)."""
    others = [s for s in UserSession.objects.purge_and_list(request.user) if not s.is_current()]
    get_usersessions_adapter().end_sessions(others)
    account_event_record(
        actor=request.user,
        action=IdentityAction.SESSIONS_ENDED,
        account_id=request.user.pk,
        payload={"other_sessions": len(others), "this_one": True},
    )
    account_events.sign_out_reason_set(request, "everywhere")
    logout(request)
    messages.success(request, _("You've been signed out everywhere."))
    return HttpResponseRedirect(reverse("account_login"))


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _safe_next(request: HttpRequest) -> str | None:
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None
