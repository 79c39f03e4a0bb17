"""The back office: the pharmacists' review queue, every prescription, the access log.

Pharmacists (signed in through auth_svc) work their own pharmacy's queue (the ``org`` of
their sign-on): claim, look at the document next to its metadata, approve or reject. Another
pharmacy's prescriptions are absent from every list and page, as if they did not exist;
admins (superusers) see every pharmacy's. Every decision goes through the same services as
the API, and every look at a document is streamed by a view that checks permissions and logs
the read. Nothing here edits a prescription directly.

The queue is worked oldest first: each row says how long it has waited, whose it is (the
patient who uploaded it), what and who prescribed it. The review page shows the document
itself: an image as it is, a PDF as its first page rendered on the server (``preview.py``).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from common.admin import ReadOnlyAdmin, ReadOnlyInline, admin_organization_scope
from common.errors import ApplicationError, NotFound
from prescriptions import services
from prescriptions.actors import Actor
from prescriptions.forms import ApproveForm, RejectForm
from prescriptions.models import DocumentAccess, Prescription, PrescriptionEvent, QueuedPrescription
from prescriptions.preview import preview_response
from prescriptions.streaming import document_response

Status = Prescription.Status
REVIEW_PERMISSION = "prescriptions.review_prescription"
VIEW_PERMISSIONS = ("prescriptions.view_prescription", "prescriptions.view_queuedprescription")
# Staff of this role work only their own pharmacy's prescriptions.
STAFF_ROLE = "pharmacist"


def pharmacy_scope(request) -> int | None:
    """The pharmacy whose prescriptions the signed-in staff member sees (None: every one)."""
    return admin_organization_scope(request, role=STAFF_ROLE)


def visible_prescriptions(request, prescriptions):
    scope = pharmacy_scope(request)
    return prescriptions if scope is None else prescriptions.filter(pharmacy_id=scope)


def with_patient_name(prescriptions):
    """Each prescription with ``patient_name``: the name its upload event recorded (rx keeps
    the patient's auth id only; the uploader is the patient)."""
    upload = PrescriptionEvent.objects.filter(prescription=OuterRef("pk"), from_status="")
    return prescriptions.annotate(
        patient_name=Subquery(upload.order_by("at", "pk").values("by_name")[:1])
    )


def waiting_words(since, now) -> str:
    """How long something has waited, as a pharmacist reads it at a glance."""
    minutes = max(int((now - since).total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"


class EventInline(ReadOnlyInline):
    model = PrescriptionEvent
    fields = ["at", "from_status", "to_status", "by_name", "by_id", "by_role", "reason", "notes"]
    readonly_fields = fields


class ReviewAdmin(ReadOnlyAdmin):
    """A prescription's page: its metadata, the document beside it, the decisions."""

    change_form_template = "admin/prescriptions/review_change_form.html"
    inlines = [EventInline]
    list_display = [
        "id",
        "waiting",
        "patient",
        "drug_name",
        "quantity",
        "prescriber",
        "status",
        "claimed_by_person",
    ]
    list_filter = ["status"]
    search_fields = ["=id", "drug_name", "drug_ndc", "prescriber_name", "prescriber_license"]
    fieldsets = [
        (
            "Prescription",
            {
                "fields": [
                    "status",
                    "patient",
                    "patient_id",
                    "drug_id",
                    "drug_name",
                    "drug_ndc",
                    "quantity",
                    "prescriber_name",
                    "prescriber_license",
                    "written_on",
                ]
            },
        ),
        (
            "Review",
            {
                "fields": [
                    "claimed_by_name",
                    "claimed_by",
                    "claimed_at",
                    "refills",
                    "fills_remaining",
                    "valid_until",
                    "reviewed_by",
                    "reviewed_at",
                    "rejection_reason",
                    "review_notes",
                ]
            },
        ),
        (
            "Document",
            {"fields": ["document_type", "document_size", "document_sha256", "created_at"]},
        ),
    ]
    readonly_fields = [field for _, options in fieldsets for field in options["fields"]]
    actions = ["claim_selected", "release_selected"]

    def get_queryset(self, request):
        return with_patient_name(visible_prescriptions(request, super().get_queryset(request)))

    @admin.display(description="waiting", ordering="created_at")
    def waiting(self, prescription: Prescription):
        return format_html(
            '<span class="rx-waiting" title="uploaded {}">{}</span>',
            timezone.localtime(prescription.created_at).strftime("%Y-%m-%d %H:%M"),
            waiting_words(prescription.created_at, timezone.now()),
        )

    @admin.display(description="patient")
    def patient(self, prescription: Prescription) -> str:
        return getattr(prescription, "patient_name", None) or f"patient {prescription.patient_id}"

    @admin.display(description="claimed by", ordering="claimed_by_name")
    def claimed_by_person(self, prescription: Prescription) -> str:
        return prescription.claimed_by_name or "-"

    @admin.display(description="prescriber", ordering="prescriber_name")
    def prescriber(self, prescription: Prescription) -> str:
        return f"{prescription.prescriber_name} ({prescription.prescriber_license})"

    def _url_name(self, view: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def get_urls(self):
        views = [
            ("document", xframe_options_sameorigin(self.document_view)),
            ("preview", self.preview_view),
            ("claim", require_POST(self.claim_view)),
            ("release", require_POST(self.release_view)),
            ("approve", require_POST(self.approve_view)),
            ("reject", require_POST(self.reject_view)),
        ]
        own = [
            path(f"<int:pk>/{name}/", self.admin_site.admin_view(view), name=self._url_name(name))
            for name, view in views
        ]
        return own + super().get_urls()

    # -- the page ---------------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        prescription = self.get_object(request, object_id)
        if prescription is not None and self.has_view_permission(request, prescription):
            extra_context = {**(extra_context or {}), **self._review_context(request, prescription)}
            # The document beside its metadata needs the whole desk: the app navigation gives
            # way (the breadcrumbs stay).
            extra_context["is_nav_sidebar_enabled"] = False
        return super().change_view(request, object_id, form_url, extra_context)

    def _review_context(self, request, prescription: Prescription) -> dict:
        actor = Actor.from_admin_request(request)
        may_review = request.user.has_perm(REVIEW_PERMISSION)
        holding = prescription.status == Status.IN_REVIEW and prescription.claimed_by == actor.id
        urls = {
            name: reverse(f"admin:{self._url_name(name)}", args=[prescription.pk])
            for name in ("document", "preview", "claim", "release", "approve", "reject")
        }
        return {
            "rx_urls": urls,
            "rx_is_image": prescription.document_type.startswith("image/"),
            "rx_can_claim": may_review and prescription.status == Status.PENDING_REVIEW,
            "rx_can_decide": may_review and holding,
            "rx_can_release": prescription.status == Status.IN_REVIEW
            and (holding or request.user.is_superuser),
            "rx_approve_form": ApproveForm(),
            "rx_reject_form": RejectForm(),
        }

    # -- the document -----------------------------------------------------------------------

    def _open_document(self, request, pk: int):
        """The prescription and its document, open, once the read is logged."""
        if not any(request.user.has_perm(name) for name in VIEW_PERMISSIONS):
            raise PermissionDenied
        # Any status (a decided prescription's page still shows it), own pharmacy only.
        prescription = get_object_or_404(
            visible_prescriptions(request, Prescription.objects.all()), pk=pk
        )
        try:
            handle = services.document_open(
                prescription=prescription,
                reader=Actor.from_admin_request(request),
                channel=DocumentAccess.Channel.ADMIN,
                request_id=getattr(request, "request_id", ""),
            )
        except NotFound as exc:
            raise Http404(exc.detail) from exc
        return prescription, handle

    def document_view(self, request, pk: int):
        prescription, handle = self._open_document(request, pk)
        # Inline (sandboxed, unsniffable: streaming.py), for the download link and images.
        return document_response(prescription, handle, inline=True)

    def preview_view(self, request, pk: int):
        """What the review page shows: an image as it is; a PDF's first page as a PNG drawn
        on the server, so the browser never renders the patient's PDF."""
        prescription, handle = self._open_document(request, pk)
        if prescription.document_type.startswith("image/"):
            return document_response(prescription, handle, inline=True)
        with handle:
            data = handle.read()
        return preview_response(data, prescription_id=prescription.pk)

    # -- decisions ----------------------------------------------------------------------------

    def _decide(self, request, pk: int, decision, success: str):
        if not request.user.has_perm(REVIEW_PERMISSION):
            raise PermissionDenied
        try:
            decision(Actor.from_admin_request(request))
        except NotFound as exc:  # another pharmacy's, or none at all
            raise Http404(exc.detail) from exc
        except ApplicationError as exc:
            self.message_user(request, exc.detail, messages.ERROR)
        else:
            self.message_user(request, success, messages.SUCCESS)
        return self._back(request, pk)

    def _back(self, request, pk: int) -> HttpResponseRedirect:
        """To the prescription's page, or to the list once it has left this admin's list
        (a decided prescription leaves the queue)."""
        if self.get_queryset(request).filter(pk=pk).exists():
            return HttpResponseRedirect(reverse(f"admin:{self._url_name('change')}", args=[pk]))
        return HttpResponseRedirect(reverse(f"admin:{self._url_name('changelist')}"))

    def claim_view(self, request, pk: int):
        return self._decide(
            request,
            pk,
            lambda by: services.prescription_claim(
                prescription_id=pk, pharmacy_id=pharmacy_scope(request), by=by
            ),
            f"You are reviewing prescription {pk}.",
        )

    def release_view(self, request, pk: int):
        force = request.user.is_superuser
        return self._decide(
            request,
            pk,
            lambda by: services.prescription_release(
                prescription_id=pk, pharmacy_id=pharmacy_scope(request), by=by, force=force
            ),
            f"Prescription {pk} is back in the queue.",
        )

    def approve_view(self, request, pk: int):
        return self._form_decision(
            request, pk, ApproveForm, services.prescription_approve, "is verified"
        )

    def reject_view(self, request, pk: int):
        return self._form_decision(
            request, pk, RejectForm, services.prescription_reject, "is rejected"
        )

    def _form_decision(self, request, pk: int, form_class, service, outcome: str):
        form = form_class(request.POST)
        if not form.is_valid():
            return self._form_errors(request, pk, form)
        return self._decide(
            request,
            pk,
            lambda by: service(
                prescription_id=pk,
                pharmacy_id=pharmacy_scope(request),
                by=by,
                **form.cleaned_data,
            ),
            f"Prescription {pk} {outcome}.",
        )

    def _form_errors(self, request, pk: int, form):
        for field, errors in form.errors.items():
            self.message_user(request, f"{field}: {' '.join(errors)}", messages.ERROR)
        return self._back(request, pk)

    # -- list actions -------------------------------------------------------------------------

    def _each(self, request, queryset, decision, verb: str) -> None:
        """``decision(pk, pharmacy_id, by)`` on each selected prescription (the queryset is
        this admin's, so already the staff member's own pharmacy's)."""
        by, scope = Actor.from_admin_request(request), pharmacy_scope(request)
        done = 0
        for prescription_id in queryset.order_by("pk").values_list("pk", flat=True):
            try:
                decision(prescription_id, scope, by)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, exc.detail, messages.WARNING)
        self.message_user(request, f"{verb} {done} prescription(s).", messages.SUCCESS)

    @admin.action(description="Claim the selected prescriptions", permissions=["review"])
    def claim_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda pk, scope, by: services.prescription_claim(
                prescription_id=pk, pharmacy_id=scope, by=by
            ),
            "Claimed",
        )

    @admin.action(description="Release the selected prescriptions", permissions=["review"])
    def release_selected(self, request, queryset):
        force = request.user.is_superuser
        self._each(
            request,
            queryset,
            lambda pk, scope, by: services.prescription_release(
                prescription_id=pk, pharmacy_id=scope, by=by, force=force
            ),
            "Released",
        )

    def has_review_permission(self, request) -> bool:
        return request.user.has_perm(REVIEW_PERMISSION)


@admin.register(QueuedPrescription)
class QueuedPrescriptionAdmin(ReviewAdmin):
    """Waiting for a pharmacist, oldest first."""

    ordering = ["created_at", "pk"]

    def changelist_view(self, request, extra_context=None):
        # Every column in view at 1280 px: the app navigation gives way (breadcrumbs stay).
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(status__in=[Status.PENDING_REVIEW, Status.IN_REVIEW])
        )


@admin.register(Prescription)
class PrescriptionAdmin(ReviewAdmin):
    ordering = ["-created_at", "-pk"]
    date_hierarchy = "created_at"


@admin.register(DocumentAccess)
class DocumentAccessAdmin(ReadOnlyAdmin):
    """Who read which document when (admins only: no role is given this permission)."""

    list_display = [
        "read_at",
        "prescription_id",
        "reader_name",
        "reader_id",
        "reader_role",
        "channel",
    ]
    list_filter = ["channel", "reader_role"]
    search_fields = ["=prescription__id", "=reader_id", "reader_name"]
    date_hierarchy = "read_at"
    ordering = ["-read_at", "-pk"]
