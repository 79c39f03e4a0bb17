"""Back office for stock: lots (with quarantine, release and recall actions that call the
same services as the API), the read-only ledger and reservations."""

from datetime import timedelta

from django.contrib import admin, messages
from django.utils import timezone

from catalog.principals import staff_actor_label
from common.admin import ReadOnlyAdmin, ReadOnlyInline, admin_organization_scope
from common.errors import ApplicationError
from inventory.admin_forms import ReasonForm, action_page
from inventory.models import (
    Lot,
    LotEvent,
    LotStatus,
    Movement,
    Reservation,
    ReservationEvent,
)
from inventory.selectors import lot_list
from inventory.services import lot_recall, lot_transition

# Staff of this role see and change only their own organization's stock.
STAFF_ROLE = "distributor"


class ExpiryWindowFilter(admin.SimpleListFilter):
    """Lots by how soon they expire; ``field`` lets the drug list filter through its lots."""

    title = "expiry"
    parameter_name = "expiry"
    field = "expiry_date"
    WINDOWS = {"30": 30, "90": 90, "180": 180}

    def lookups(self, request, model_admin):
        return [
            ("expired", "Past expiry"),
            *((key, f"Within {days} days") for key, days in self.WINDOWS.items()),
            ("later", "Later than 180 days"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        value = self.value()
        if value == "expired":
            return queryset.filter(**{f"{self.field}__lt": today}).distinct()
        if value in self.WINDOWS:
            horizon = today + timedelta(days=self.WINDOWS[value])
            bounds = {f"{self.field}__gte": today, f"{self.field}__lte": horizon}
            return queryset.filter(**bounds).distinct()
        if value == "later":
            return queryset.filter(**{f"{self.field}__gt": today + timedelta(days=180)}).distinct()
        return queryset


class LotEventInline(ReadOnlyInline):
    model = LotEvent
    fields = ["created_at", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields
    ordering = ["created_at"]


def _transition_action(model_admin, request, queryset, *, action, verb, apply):
    """Ask for a reason, then ``apply(lot, actor, reason, owner_org)`` on each lot."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if not form.is_valid():
        return action_page(
            model_admin,
            request,
            queryset,
            action=action,
            intro=f"{verb.capitalize()} {queryset.count()} lot(s): why?",
            submit=verb.capitalize(),
            form=form,
        )
    actor = staff_actor_label(request.user)
    scope = admin_organization_scope(request, role=STAFF_ROLE)
    for lot in queryset:
        try:
            outcome = apply(lot, actor, form.cleaned_data["reason"], scope)
        except ApplicationError as exc:
            model_admin.message_user(request, f"Lot {lot.lot_number}: {exc.detail}", messages.ERROR)
        else:
            model_admin.message_user(request, f"Lot {lot.lot_number}: {outcome}")
    return None


def _status_change(to: LotStatus):
    def apply(lot, actor, reason, scope):
        result = lot_transition(lot_id=lot.pk, to=to, actor=actor, reason=reason, owner_org=scope)
        moved = result.reallocation
        return (
            f"now {to}; {len(moved.reallocated)} reservation(s) re-allocated, "
            f"{len(moved.released)} released"
        )

    return apply


@admin.register(Lot)
class LotAdmin(ReadOnlyAdmin):
    list_display = [
        "lot_number",
        "drug",
        "warehouse",
        "expiry_date",
        "status",
        "on_hand",
        "reserved",
        "available",
    ]
    list_filter = ["status", ExpiryWindowFilter, "warehouse"]
    search_fields = ["lot_number", "drug__ndc", "drug__gtin", "drug__name"]
    list_select_related = ["drug", "warehouse"]
    inlines = [LotEventInline]
    actions = ["quarantine", "release", "recall"]

    def get_queryset(self, request):
        return lot_list(
            owner_org=admin_organization_scope(request, role=STAFF_ROLE)
        ).select_related("drug", "warehouse")

    def has_change_permission(self, request, obj=None):
        # Needed for the actions; the change form itself shows everything read-only.
        return request.user.has_perm("inventory.change_lot")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    @admin.action(description="Quarantine selected lots", permissions=["change"])
    def quarantine(self, request, queryset):
        apply = _status_change(LotStatus.QUARANTINED)
        return _transition_action(
            self, request, queryset, action="quarantine", verb="quarantine", apply=apply
        )

    @admin.action(description="Release selected lots from quarantine", permissions=["change"])
    def release(self, request, queryset):
        apply = _status_change(LotStatus.AVAILABLE)
        return _transition_action(
            self, request, queryset, action="release", verb="release", apply=apply
        )

    @admin.action(description="Recall selected lots", permissions=["change"])
    def recall(self, request, queryset):
        def apply(lot, actor, reason, scope):
            result = lot_recall(lot_id=lot.pk, actor=actor, reason=reason, owner_org=scope)
            return f"recalled; it went out in {result.shipments.count()} shipment(s)"

        return _transition_action(
            self, request, queryset, action="recall", verb="recall", apply=apply
        )


@admin.register(Movement)
class MovementAdmin(ReadOnlyAdmin):
    """The stock ledger. Nobody edits history."""

    list_display = [
        "created_at",
        "kind",
        "lot",
        "on_hand_delta",
        "reserved_delta",
        "reason",
        "actor",
        "reference",
    ]
    list_filter = ["kind", "reason"]
    search_fields = ["lot__lot_number", "lot__drug__ndc", "reference", "actor"]
    list_select_related = ["lot"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        movements = super().get_queryset(request)
        scope = admin_organization_scope(request, role=STAFF_ROLE)
        return movements if scope is None else movements.filter(lot__warehouse__owner_org=scope)


class ReservationEventInline(ReadOnlyInline):
    model = ReservationEvent
    fields = ["created_at", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ["id", "reference", "status", "expires_at", "buyer_org", "shipped_at"]
    list_filter = ["status"]
    search_fields = ["reference"]
    inlines = [ReservationEventInline]
