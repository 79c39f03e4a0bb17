"""Back office for stock: lots (with quarantine, release and recall actions that call the
same services as the API), the read-only ledger and reservations.

The lots list is a stock clerk's daily screen: soonest expiry first, the expiry coloured by
urgency, and status, warehouse and on-hand / reserved / available all in view at 1280 px
(long drug names are cut to one line, the full name in their tooltip; the app navigation
sidebar gives way on this one page)."""

from datetime import timedelta

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html

from common.admin import ReadOnlyAdmin, ReadOnlyInline, admin_actor, admin_organization_scope
from common.errors import ApplicationError
from inventory.admin_forms import ReasonForm, action_page
from inventory.models import (
    Lot,
    LotEvent,
    LotStatus,
    Movement,
    Reservation,
    ReservationEvent,
    Shipment,
)
from inventory.selectors import lot_list, lot_status_today, lot_units_for_sale
from inventory.services import lot_recall, lot_transition

# Staff of this role see and change only their own organization's stock.
STAFF_ROLE = "distributor"
RECALL_RESULT_TEMPLATE = "admin/inventory/recall_result.html"
# How the lots list colours an expiry date: (at most this many days away, CSS class).
# Thirty days is about the shortest shelf life a hospital accepts; ninety is the window the
# expiry report and the "expiring soon" filter use.
EXPIRY_URGENCY = [(-1, "expired"), (30, "critical"), (90, "soon")]


def expiry_urgency(expiry_date, today) -> tuple[str, str]:
    """The urgency class and words of an expiry date, as the lots list colours it."""
    days = (expiry_date - today).days
    css = next((css for horizon, css in EXPIRY_URGENCY if days <= horizon), "ok")
    if days < 0:
        return css, f"expired {-days} d ago"
    if days == 0:
        return css, "expires today"
    return css, f"in {days} d"


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


class ShipmentInline(ReadOnlyInline):
    """Every shipment that carried the lot: whom a recall must reach."""

    model = Shipment
    fields = ["shipped_at", "order_ref", "buyer_org", "quantity"]
    readonly_fields = fields
    ordering = ["shipped_at", "pk"]
    verbose_name_plural = "shipments that carried this lot"


def _transition_action(model_admin, request, queryset, *, action, verb, apply):
    """Ask for a reason, then ``apply(lot, actor, reason, owner_org)`` on each lot; a
    non-None answer of the last call is the page shown instead of the list."""
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
    actor = admin_actor(request)
    scope = admin_organization_scope(request, role=STAFF_ROLE)
    for lot in queryset:
        try:
            outcome = apply(lot, actor, form.cleaned_data["reason"], scope)
        except ApplicationError as exc:
            model_admin.message_user(request, f"Lot {lot.lot_number}: {exc.detail}", messages.ERROR)
        else:
            model_admin.message_user(request, f"Lot {lot.lot_number}: {outcome}")
    return None


def _recall_result_page(model_admin, request, recalls: list) -> TemplateResponse:
    """After a recall: each recalled lot with every shipment it reached (the recall notices'
    addressees), so the clerk sees them without opening each lot."""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Recalled lots and the shipments they reached",
        "opts": model_admin.model._meta,
        "recalls": recalls,
    }
    return TemplateResponse(request, RECALL_RESULT_TEMPLATE, context)


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
        "drug_label",
        "warehouse",
        "expiry",
        "status_label",
        "on_hand",
        "reserved",
        "for_sale",
    ]
    list_display_links = ["lot_number"]
    list_filter = ["status", ExpiryWindowFilter, "warehouse"]
    search_fields = ["lot_number", "drug__ndc", "drug__gtin", "drug__name"]
    list_select_related = ["drug", "warehouse"]
    list_per_page = 50
    ordering = ["expiry_date", "pk"]
    inlines = [LotEventInline, ShipmentInline]
    actions = ["quarantine", "release", "recall"]

    class Media:
        css = {"all": ["inventory/lots.css"]}

    def changelist_view(self, request, extra_context=None):
        # The list needs the whole desk: the app navigation gives way (the breadcrumbs stay),
        # so that every column fits 1280 px beside the filters.
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    @admin.display(description="drug", ordering="drug__name")
    def drug_label(self, lot: Lot):
        return format_html(
            '<span class="lot-drug" title="{} — NDC {}">{}</span>',
            lot.drug.name,
            lot.drug.ndc,
            lot.drug.name,
        )

    @admin.display(description="expiry", ordering="expiry_date")
    def expiry(self, lot: Lot):
        css, words = expiry_urgency(lot.expiry_date, timezone.localdate())
        return format_html(
            '<span class="lot-expiry lot-expiry-{}" data-urgency="{}">{} <small>{}</small></span>',
            css,
            css,
            lot.expiry_date.isoformat(),
            words,
        )

    @admin.display(description="status", ordering="status")
    def status_label(self, lot: Lot):
        # What sells: a lot still "available" past its expiry date is expired (the selector's
        # effective status), whether or not the nightly job has marked it yet.
        status = lot_status_today(lot)
        return format_html('<span class="lot-status lot-status-{}">{}</span>', status, status)

    @admin.display(description="available", ordering="available")
    def for_sale(self, lot: Lot) -> int:
        return lot_units_for_sale(lot)

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
        recalls = []

        def apply(lot, actor, reason, scope):
            result = lot_recall(lot_id=lot.pk, actor=actor, reason=reason, owner_org=scope)
            shipments = list(result.shipments)
            recalls.append({"lot": lot, "shipments": shipments})
            return f"recalled; it went out in {len(shipments)} shipment(s)"

        page = _transition_action(
            self, request, queryset, action="recall", verb="recall", apply=apply
        )
        if page is None and recalls:
            return _recall_result_page(self, request, recalls)
        return page


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
