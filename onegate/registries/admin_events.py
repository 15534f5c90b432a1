"""Admin for operators of tell us once: who subscribes to what, and deliveries that need a look.

Both lists are read-only; subscriptions are set up by data loaders, deliveries by the outbox.
The one write is "retry now" on deliveries that were not delivered, through
``event_delivery_retry`` (audited). Nothing here shows an event's payload or signing secrets.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from onegate.registries.models import AgencySubscription, EventDelivery
from onegate.registries.services.events import event_delivery_retry

DELIVERY_FIELDS = (
    "event_id",
    "subscription",
    "status",
    "attempts",
    "attempt_limit",
    "last_attempt_at",
    "delivered_at",
    "last_error",
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AgencySubscription)
class AgencySubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["agency_slug", "event_type", "receiver", "endpoint_url", "active"]
    list_filter = ["event_type", "receiver", "active"]
    fields = ["agency_slug", "event_type", "receiver", "endpoint_url", "active", "created_at"]
    ordering = ["agency_slug", "event_type"]


@admin.register(EventDelivery)
class EventDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "agency",
        "event_type",
        "status",
        "attempts",
        "last_attempt_at",
        "delivered_at",
        "last_error",
    ]
    list_filter = ["status", "subscription__agency_slug", "event__event_type"]
    list_select_related = ["subscription", "event"]
    fields = DELIVERY_FIELDS
    readonly_fields = DELIVERY_FIELDS
    ordering = ["-created_at"]
    search_fields = ["=event__id"]
    actions = ["retry_now"]
    show_full_result_count = False

    @admin.display(description=_("agency"), ordering="subscription__agency_slug")
    def agency(self, delivery: EventDelivery) -> str:
        return delivery.subscription.agency_slug

    @admin.display(description=_("event"))
    def event_type(self, delivery: EventDelivery) -> str:
        return delivery.event.get_event_type_display()

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("registries.change_eventdelivery")

    @admin.action(description=_("Retry now"), permissions=["retry"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[EventDelivery]) -> None:
        retried = refused = 0
        for delivery in queryset:
            try:
                event_delivery_retry(delivery=delivery, actor=request.user)  # type: ignore[arg-type]
            except ValidationError:
                refused += 1
            else:
                retried += 1
        if retried:
            message = ngettext(
                "%(count)d delivery will be tried again now.",
                "%(count)d deliveries will be tried again now.",
                retried,
            )
            self.message_user(request, message % {"count": retried}, messages.SUCCESS)
        if refused:
            message = ngettext(
                "%(count)d delivery was not retried: it was not a failed delivery.",
                "%(count)d deliveries were not retried: they were not failed deliveries.",
                refused,
            )
            self.message_user(request, message % {"count": refused}, messages.WARNING)
