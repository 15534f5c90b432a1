"""Django admin for organisations: staff roles, teams and service centres, scoped to the agency.

Each admin page asks ``identity.permissions`` rather than Django's model permissions: an agency
administrator sees and changes only their own agency's staff, teams and centres; a platform
superuser sees the agency administrators of every agency (to appoint the first one, or remove
one) and nothing else of an agency's staff. Every change goes through the services, which check
again and audit. The form calls the service while it is cleaned, inside the admin's own
transaction, so a refusal shows on the form beside the field it is about; a staff role is never
edited, only ended (the "End the selected roles" action), so its history stays.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onegate.catalogue.selectors import catalogue_current
from onegate.core.languages import pick
from onegate.identity.constants import StaffRole
from onegate.identity.forms_organisations import (
    apply_service_errors,
    exceptions_parse,
    exceptions_text,
    hours_parse,
    hours_text,
)
from onegate.identity.models.accounts import User
from onegate.identity.models.organisations import ServiceCentre, StaffMembership, Team
from onegate.identity.permissions import StaffPermission, staff_scope
from onegate.identity.services.organisations import (
    StaffChangeRefused,
    staff_role_end,
    staff_role_grant,
    team_create,
    team_rename,
)
from onegate.identity.services.service_centres import (
    service_centre_hours_set,
    service_centre_move,
    service_centre_save,
)
from onegate.registries.addresses import AddressInput

P = StaffPermission
ADDRESS_FIELDS = ("house_number", "moo", "building", "soi", "road", "sub_district_code", "postcode")


def _is_superuser(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


def _agency_choices(slugs: set[str] | None) -> list[tuple[str, str]]:
    """Catalogue agencies (only ``slugs`` if given) as form choices, in the reader's language."""
    agencies = catalogue_current().agencies.values()
    return sorted(
        (agency.slug, f"{pick(agency.name)} ({agency.slug})")
        for agency in agencies
        if slugs is None or agency.slug in slugs
    )


def _saved(instance: Any) -> bool:
    """Whether a form's instance is a stored record (UUID keys exist before the first save)."""
    return not instance._state.adding


def _refused(form: forms.BaseForm, call: Any, renamed: dict[str, str] | None = None) -> Any:
    """Run a service call for ``form``; its refusal or errors end up on the form."""
    try:
        return call()
    except StaffChangeRefused as refusal:
        form.add_error(None, ValidationError(refusal.message, code=refusal.code))
    except ValidationError as error:
        apply_service_errors(form, error, renamed)
    return None


class ScopedAdmin(admin.ModelAdmin):
    """An admin whose rights come from staff roles (``view_permission``, ``manage_permission``)."""

    view_permission: StaffPermission = P.VIEW_STAFF
    manage_permission: StaffPermission = P.MANAGE_STAFF

    def scope(self, request: HttpRequest) -> set[str]:
        return staff_scope(request.user, self.view_permission) | self.manage_scope(request)

    def manage_scope(self, request: HttpRequest) -> set[str]:
        return staff_scope(request.user, self.manage_permission)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(self.scope(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(self.manage_scope(request))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return bool(self.manage_scope(request))
        return obj.agency_slug in self.manage_scope(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # history stays; roles end, centres move, teams are renamed

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(agency_slug__in=self.scope(request))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Nothing to do: the form's service call already saved (and audited) the change."""

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request  # type: ignore[attr-defined]
        return form


# --- staff roles ------------------------------------------------------------------------------


class StaffGrantAdminForm(forms.ModelForm):
    """Grant a role: the person by email address, the agency among those the admin manages."""

    request: HttpRequest
    email = forms.EmailField(label=_("Their email address"))
    agency_slug = forms.ChoiceField(label=_("Agency"))

    class Meta:
        model = StaffMembership
        fields = ["email", "role", "agency_slug", "centre", "team"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        managed = staff_scope(self.request.user, P.MANAGE_STAFF)
        appoints = _is_superuser(self.request)
        self.fields["agency_slug"].choices = _agency_choices(None if appoints else managed)  # type: ignore[attr-defined]
        self.fields["team"].queryset = Team.objects.filter(agency_slug__in=managed)  # type: ignore[attr-defined]
        self.fields["centre"].queryset = ServiceCentre.objects.filter(  # type: ignore[attr-defined]
            agency_slug__in=managed, is_active=True
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        user = User.objects.filter(email=data["email"].strip().lower()).first()
        if user is None:
            self.add_error("email", _("No OneGate account uses this email address."))
            return data
        granted = _refused(
            self,
            lambda: staff_role_grant(
                actor=self.request.user,  # type: ignore[arg-type]
                user=user,
                role=data["role"],
                agency_slug=data["agency_slug"],
                centre=data.get("centre"),
                team=data.get("team"),
            ),
            {"user": "email"},
        )
        if granted is not None:
            self.instance = granted
        return data


@admin.register(StaffMembership)
class StaffMembershipAdmin(ScopedAdmin):
    form = StaffGrantAdminForm
    list_display = ("user", "role", "agency_slug", "centre", "team", "granted_at", "ended_at")
    list_filter = ("role", "agency_slug", ("ended_at", admin.EmptyFieldListFilter))
    list_select_related = ("user", "centre", "team")
    search_fields = ("user__email",)
    actions = ["end_roles"]
    readonly_fields = (
        "user", "role", "agency_slug", "centre", "team", "granted_by", "granted_at", "ended_by",
        "ended_at",
    )  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        visible = Q(agency_slug__in=self.scope(request))
        if _is_superuser(request):
            visible |= Q(role=StaffRole.AGENCY_ADMIN)
        return StaffMembership.objects.filter(visible)

    def manage_scope(self, request: HttpRequest) -> set[str]:
        return staff_scope(request.user, P.MANAGE_STAFF)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_superuser(request) or bool(self.scope(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_superuser(request) or bool(self.manage_scope(request))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a role is never edited: it is ended, and a new one granted

    def has_end_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else ()

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else StaffGrantAdminForm.Meta.fields

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        if obj is not None:  # the read-only record: no grant form
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, change=change, **kwargs)

    @admin.action(description=_("End the selected roles"), permissions=["end"])
    def end_roles(self, request: HttpRequest, queryset: QuerySet[StaffMembership]) -> None:
        ended = 0
        for membership in queryset.filter(ended_at__isnull=True):
            try:
                staff_role_end(actor=request.user, membership=membership)  # type: ignore[arg-type]
                ended += 1
            except StaffChangeRefused as refusal:
                self.message_user(request, f"{membership}: {refusal.message}", messages.ERROR)
        self.message_user(request, _("Roles ended: %(count)s") % {"count": ended}, messages.SUCCESS)


# --- teams ------------------------------------------------------------------------------------


class TeamAdminForm(forms.ModelForm):
    request: HttpRequest
    agency_slug = forms.ChoiceField(label=_("Agency"))

    class Meta:
        model = Team
        fields = ["agency_slug", "name_en", "name_th"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        managed = staff_scope(self.request.user, P.MANAGE_TEAMS)
        self.fields["agency_slug"].choices = _agency_choices(managed)  # type: ignore[attr-defined]
        if _saved(self.instance):
            self.fields["agency_slug"].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            saved = _refused(self, lambda: self._save(data))
            if saved is not None:
                self.instance = saved
        return data

    def _save(self, data: dict[str, Any]) -> Team:
        actor = self.request.user
        if _saved(self.instance):
            team = Team.objects.get(pk=self.instance.pk)
            return team_rename(
                actor=actor,  # type: ignore[arg-type]
                team=team,
                name_en=data["name_en"],
                name_th=data["name_th"],
            )
        return team_create(
            actor=actor,  # type: ignore[arg-type]
            agency_slug=data["agency_slug"],
            name_en=data["name_en"],
            name_th=data["name_th"],
        )


@admin.register(Team)
class TeamAdmin(ScopedAdmin):
    form = TeamAdminForm
    manage_permission = P.MANAGE_TEAMS
    list_display = ("name_en", "name_th", "agency_slug")
    list_filter = ("agency_slug",)
    search_fields = ("name_en", "name_th")


# --- service centres --------------------------------------------------------------------------


class ServiceCentreAdminForm(forms.ModelForm):
    """A centre's details, address, services and hours in one form, saved by the services."""

    request: HttpRequest
    agency_slug = forms.ChoiceField(label=_("Agency that runs it"))
    house_number = forms.CharField(label=_("House number"), required=False)
    moo = forms.CharField(label=_("Village number (moo)"), required=False)
    building = forms.CharField(label=_("Village or building"), required=False)
    soi = forms.CharField(label=_("Lane (soi)"), required=False)
    road = forms.CharField(label=_("Road"), required=False)
    sub_district_code = forms.CharField(label=_("Sub-district code (6 digits)"))
    postcode = forms.CharField(label=_("Postcode"), required=False)
    services = forms.CharField(
        label=_("Services offered"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Catalogue service slugs, one a line."),
    )
    weekly_hours = forms.CharField(
        label=_("Opening hours"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("One day a line, for example: Mon 08:30-12:00 13:00-16:30"),
    )
    exception_days = forms.CharField(
        label=_("Holidays and other exceptions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One date a line, for example: 2026-12-05 closed | Father's Day | วันพ่อแห่งชาติ"),
    )
    move_to = forms.ModelChoiceField(
        label=_("Moved to"),
        queryset=ServiceCentre.objects.none(),
        required=False,
        help_text=_("Only when the centre has moved: it closes here and sends people there."),
    )

    class Meta:
        model = ServiceCentre
        fields = ["slug", "agency_slug", "name_en", "name_th"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        managed = staff_scope(self.request.user, P.MANAGE_SERVICE_CENTRES)
        self.fields["agency_slug"].choices = _agency_choices(managed)  # type: ignore[attr-defined]
        self.fields["move_to"].queryset = ServiceCentre.objects.filter(is_active=True).exclude(  # type: ignore[attr-defined]
            pk=self.instance.pk
        )
        if _saved(self.instance):
            self._show_current(self.instance)

    def _show_current(self, centre: ServiceCentre) -> None:
        for name in ADDRESS_FIELDS:
            self.initial[name] = centre.address.get(name, "")
        self.initial["services"] = "\n".join(centre.service_slugs)
        self.initial["weekly_hours"] = hours_text(centre)
        self.initial["exception_days"] = exceptions_text(centre)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            weekly = hours_parse(data["weekly_hours"])
        except ValidationError as error:
            self.add_error("weekly_hours", error)
        try:
            exceptions = exceptions_parse(data["exception_days"])
        except ValidationError as error:
            self.add_error("exception_days", error)
        if self.errors:
            return data
        saved = _refused(self, lambda: self._save(data, weekly, exceptions), RENAMED)
        if saved is not None:
            self.instance = saved
        return data

    def _save(self, data: dict[str, Any], weekly: Any, exceptions: Any) -> ServiceCentre:
        actor = self.request.user
        centre = service_centre_save(
            actor=actor,  # type: ignore[arg-type]
            centre=self.instance if _saved(self.instance) else None,
            slug=data["slug"],
            agency_slug=data["agency_slug"],
            name_en=data["name_en"],
            name_th=data["name_th"],
            address=AddressInput(**{name: data[name] for name in ADDRESS_FIELDS}),
            service_slugs=data["services"].split(),
        )
        centre = service_centre_hours_set(
            actor=actor,  # type: ignore[arg-type]
            centre=centre,
            weekly=weekly,
            exceptions=exceptions,
        )
        if data.get("move_to") is not None and centre.is_active:
            centre = service_centre_move(actor=actor, centre=centre, to=data["move_to"])  # type: ignore[arg-type]
        return centre


# Service error keys that are named differently on this form.
RENAMED = {
    "service_slugs": "services",
    "hours": "weekly_hours",
    "exceptions": "exception_days",
    "moved_to": "move_to",
}


@admin.register(ServiceCentre)
class ServiceCentreAdmin(ScopedAdmin):
    form = ServiceCentreAdminForm
    view_permission = P.MANAGE_SERVICE_CENTRES
    manage_permission = P.MANAGE_SERVICE_CENTRES
    list_display = ("name_en", "agency_slug", "is_active", "moved_to")
    list_filter = ("agency_slug", "is_active")
    search_fields = ("name_en", "name_th", "slug")
    fieldsets = (
        (None, {"fields": ("slug", "agency_slug", "name_en", "name_th")}),
        (_("Address"), {"fields": ADDRESS_FIELDS}),
        (_("Services and hours"), {"fields": ("services", "weekly_hours", "exception_days")}),
        (_("Moving"), {"fields": ("move_to",)}),
    )
