"""Django admin for the registries: reference data and the correction-request queue.

People, documents, family links and addresses are deliberately NOT in the Django admin: its
pages would read personal data without a stated purpose or an access record. Registry staff use
the staff pages (``views``), which ask why and log every read. Correction requests show the
person only by key; answering one goes through ``correction_request_resolve`` (audited).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onegate.registries import admin_events  # noqa: F401  (registers the outbox's admin)
from onegate.registries.admin_events import ReadOnlyAdmin
from onegate.registries.constants import CorrectionStatus
from onegate.registries.models import CorrectionRequest, District, Province, SubDistrict
from onegate.registries.services.corrections import correction_request_resolve


@admin.register(Province)
class ProvinceAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_en", "name_th"]
    search_fields = ["code", "name_en", "name_th"]


@admin.register(District)
class DistrictAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_en", "name_th", "province"]
    list_filter = ["province"]
    search_fields = ["code", "name_en", "name_th"]


@admin.register(SubDistrict)
class SubDistrictAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_en", "name_th", "postcode", "district"]
    search_fields = ["code", "name_en", "name_th", "postcode"]
    list_select_related = ["district"]


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "fact", "owning_agency", "status"]
    list_filter = ["status", "owning_agency", "fact"]
    fields = (
        "person_id",
        "fact",
        "owning_agency",
        "description",
        "status",
        "resolution",
        "created_at",
    )
    readonly_fields = fields
    actions = ["mark_corrected", "mark_not_changed"]

    @admin.action(description=_("Mark as corrected (the record was fixed)"))
    def mark_corrected(self, request: HttpRequest, queryset: QuerySet[CorrectionRequest]) -> None:
        self._resolve(request, queryset, corrected=True, resolution=str(_("Record corrected")))

    @admin.action(description=_("Mark as not changed (the record was right)"))
    def mark_not_changed(self, request: HttpRequest, queryset: QuerySet[CorrectionRequest]) -> None:
        self._resolve(
            request,
            queryset,
            corrected=False,
            resolution=str(_("Record checked and found correct")),
        )

    def _resolve(
        self, request: HttpRequest, queryset: QuerySet, *, corrected: bool, resolution: str
    ) -> None:
        done = 0
        for item in queryset.filter(status=CorrectionStatus.OPEN):
            try:
                correction_request_resolve(
                    request_id=item.pk,
                    corrected=corrected,
                    resolution=resolution,
                    actor=request.user,
                )
                done += 1
            except ValidationError as error:
                self.message_user(request, "; ".join(error.messages), messages.ERROR)
        self.message_user(
            request, _("%(count)s requests answered.") % {"count": done}, messages.SUCCESS
        )
