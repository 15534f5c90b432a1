"""Django admin for OpenID Connect clients: agencies' systems, registered by administrators.

One form per client holds django-oauth-toolkit's ``Application`` and OneGate's ``ClientPolicy``
together, and one service saves both and audits (``services.oidc.oidc_client_save``). What every
client has in common is not offered: the authorization code flow, RS256 ID tokens, hashed
secrets, and a consent page (nobody skips it). django-oauth-toolkit registers this class itself
(``OAUTH2_PROVIDER["APPLICATION_ADMIN_CLASS"]``).

Rights come from staff roles (``identity.manage_oidc_clients``): a platform superuser manages
every agency's clients, an agency administrator their own agency's. Clients are never deleted
here: a retired one is switched off (``is_active``), keeping its history.

The client secret is shown once, on the "add" page, where it is generated; it is stored hashed
(``oidc.hashers``) and cannot be shown again. A new one can be set on the change page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import get_application_model

from onegate.catalogue.selectors import catalogue_current
from onegate.core.languages import pick
from onegate.identity.constants import LevelOfAssurance
from onegate.identity.models.oidc import ClientPolicy, OidcScope
from onegate.identity.oidc.hashers import MIN_SECRET_LENGTH
from onegate.identity.permissions import StaffPermission, staff_scope
from onegate.identity.services.oidc import oidc_client_save

Application = get_application_model()
MANAGE = StaffPermission.MANAGE_OIDC_CLIENTS
POLICY_FIELDS = (
    "agency_slug", "name_en", "name_th", "allowed_scopes", "national_id_basis",
    "sector_identifier", "minimum_level", "privacy_notice_url", "is_active",
)  # fmt: skip


def managed_agencies(request: HttpRequest) -> set[str] | None:
    """The agencies whose clients this person manages; None for all (a platform superuser)."""
    if request.user.is_active and request.user.is_superuser:
        return None
    return staff_scope(request.user, MANAGE)


class ClientForm(forms.ModelForm):
    """An agency system: where it may send people back to, and what it may ask for."""

    request: HttpRequest
    agency_slug = forms.ChoiceField(label=_("Agency"))
    name_en = forms.CharField(label=_("Name in English"), max_length=120)
    name_th = forms.CharField(label=_("Name in Thai"), max_length=120)
    allowed_scopes = forms.MultipleChoiceField(
        label=_("May ask for"),
        choices=OidcScope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[OidcScope.OPENID.value],
    )
    national_id_basis = forms.CharField(
        label=_("Legal basis for the national ID"), required=False, widget=forms.Textarea
    )
    sector_identifier = forms.CharField(
        label=_("Sector"),
        required=False,
        max_length=255,
        help_text=_("Leave empty to use the host of the first redirect URI."),
    )
    minimum_level = forms.ChoiceField(
        label=_("Lowest level of assurance"), choices=LevelOfAssurance.choices
    )
    privacy_notice_url = forms.URLField(
        label=_("Privacy notice"), required=False, assume_scheme="https"
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    new_client_secret = forms.CharField(
        label=_("New client secret"),
        required=False,
        min_length=MIN_SECRET_LENGTH,
        help_text=_("Only to replace the secret. Give it to the agency over a secure channel."),
    )

    class Meta:
        model = Application
        fields = [
            "client_type",
            "redirect_uris",
            "post_logout_redirect_uris",
            "allowed_origins",
            "client_secret",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # What every client has in common, set before the model's own checks run.
        self.instance.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
        self.instance.algorithm = Application.RS256_ALGORITHM
        self.instance.hash_client_secret = True
        self.instance.skip_authorization = False
        managed = managed_agencies(self.request)
        self.fields["agency_slug"].choices = [  # type: ignore[attr-defined]
            (agency.slug, f"{pick(agency.name)} ({agency.slug})")
            for agency in sorted(catalogue_current().agencies.values(), key=lambda a: a.slug)
            if managed is None or agency.slug in managed
        ]
        self.policy = self._existing_policy()
        if self.instance.pk:
            self.fields.pop("client_secret", None)
            for name in POLICY_FIELDS:
                self.fields[name].initial = getattr(self.policy, name)
        else:
            self.fields.pop("new_client_secret")
            self.fields["client_secret"].help_text = _(
                "Copy this secret now and give it to the agency over a secure channel: it is "
                "stored hashed and cannot be shown again."
            )

    def _existing_policy(self) -> ClientPolicy:
        if self.instance.pk:
            found = ClientPolicy.objects.filter(application_id=self.instance.pk).first()
            if found is not None:
                return found
        return ClientPolicy()

    def clean_client_secret(self) -> str:
        secret: str = self.cleaned_data.get("client_secret", "")
        if len(secret) < MIN_SECRET_LENGTH:
            raise ValidationError(
                _("Use the generated secret, or one of at least %(length)d characters."),
                params={"length": MIN_SECRET_LENGTH},
            )
        return secret

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        for name in POLICY_FIELDS:
            if name in cleaned:
                setattr(self.policy, name, cleaned[name])
        if not self.policy.sector_identifier:
            first = (cleaned.get("redirect_uris") or "").split()
            self.policy.sector_identifier = urlsplit(first[0]).hostname or "" if first else ""
        try:
            self.policy.full_clean(exclude=["application"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return cleaned


class ClientAdmin(admin.ModelAdmin):
    """Agencies' systems signing people in with OneGate."""

    form = ClientForm
    list_display = ("client_name", "agency", "client_id", "client_type", "active")
    search_fields = ("name", "client_id")
    readonly_fields = ("client_id",)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request  # type: ignore[attr-defined]
        return form

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        secret = "new_client_secret" if obj is not None else "client_secret"
        return [
            "client_id", "agency_slug", "name_en", "name_th", "client_type", "redirect_uris",
            "post_logout_redirect_uris", "allowed_origins", "allowed_scopes", "national_id_basis",
            "sector_identifier", "minimum_level", "privacy_notice_url", "is_active", secret,
        ]  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request).select_related("onegate_policy")
        managed = managed_agencies(request)
        if managed is None:
            return queryset
        return queryset.filter(onegate_policy__agency_slug__in=managed)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        managed = managed_agencies(request)
        return managed is None or bool(managed)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        managed = managed_agencies(request)
        if managed is None:
            return True
        policy = getattr(obj, "onegate_policy", None) if obj is not None else None
        return bool(managed) and (
            obj is None or (policy is not None and policy.agency_slug in managed)
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # switch a client off instead; its sign-ins and consents stay explained

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.name = form.policy.name_en
        if change and form.cleaned_data.get("new_client_secret"):
            obj.client_secret = form.cleaned_data["new_client_secret"]
        oidc_client_save(
            actor=request.user, application=obj, policy=form.policy, created=not change
        )

    @admin.display(description=_("name"))
    def client_name(self, obj: Any) -> str:
        policy = getattr(obj, "onegate_policy", None)
        return policy.name if policy is not None else obj.name

    @admin.display(description=_("agency"))
    def agency(self, obj: Any) -> str:
        policy = getattr(obj, "onegate_policy", None)
        return policy.agency_slug if policy is not None else ""

    @admin.display(description=_("active"), boolean=True)
    def active(self, obj: Any) -> bool:
        policy = getattr(obj, "onegate_policy", None)
        return bool(policy is not None and policy.is_active)
