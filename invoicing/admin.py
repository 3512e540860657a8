"""Invoices in the admin: read-only.

An issued invoice's fiscal fields and items never change (corrections are credit notes), and a
draft is edited in the app, where its totals are recomputed and every edit leaves an event. The
admin therefore shows invoices, items and events but can add, change or delete none of them.
"""

from django.contrib import admin

from invoicing.models import Invoice, InvoiceEvent, InvoiceItem

FACTUS_FIELDS = (
    "reference_code",
    "status",
    "factus_id",
    "number",
    "prefix",
    "cufe",
    "qr_url",
    "validated_at",
    "gross_value",
    "taxable_amount",
    "tax_amount",
    "discount_amount",
    "surcharge_amount",
    "total",
    "withholdings",
    "dian_messages",
    "field_errors",
    "totals_mismatch",
    "raw_response",
    "submitting_since",
    "created_by",
    "created_at",
    "updated_at",
)
ADMIN_ITEM_FIELDS = (
    "position",
    "product",
    "code_reference",
    "name",
    "quantity",
    "price",
    "discount_rate",
    "tax_rate",
    "is_excluded",
    "unit",
    "standard_code",
    "tribute",
    "withholdings",
)
EVENT_FIELDS = (
    "invoice",
    "user",
    "created_at",
    "action",
    "outcome",
    "http_status",
    "message",
    "request",
    "response",
    "duration_ms",
)


class ReadOnlyMixin:
    """View permission only: no add, change or delete, whoever asks (superusers included)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InvoiceItemInline(ReadOnlyMixin, admin.TabularInline):
    model = InvoiceItem
    extra = 0
    fields = ADMIN_ITEM_FIELDS
    readonly_fields = ADMIN_ITEM_FIELDS


class InvoiceEventInline(ReadOnlyMixin, admin.TabularInline):
    model = InvoiceEvent
    extra = 0
    fields = ("created_at", "user", "action", "outcome", "http_status", "message", "duration_ms")
    readonly_fields = fields
    show_change_link = True


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("__str__", "customer", "status", "total", "created_at", "created_by")
    list_filter = ("status", "payment_form", "created_at")
    search_fields = (
        "reference_code",
        "number",
        "cufe",
        "customer__identification",
        "customer__company",
        "customer__names",
    )
    date_hierarchy = "created_at"
    list_select_related = ("customer", "created_by")
    inlines = (InvoiceItemInline, InvoiceEventInline)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "customer",
                    "numbering_range",
                    "payment_form",
                    "payment_method_code",
                    "payment_due_date",
                    "observation",
                    "send_email",
                    "estimated_total",
                )
            },
        ),
        ("Factus", {"fields": FACTUS_FIELDS}),
    )


@admin.register(InvoiceItem)
class InvoiceItemAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("invoice", "position", "code_reference", "name", "quantity", "price")
    search_fields = ("invoice__reference_code", "invoice__number", "code_reference", "name")
    list_select_related = ("invoice",)
    fields = ("invoice", *ADMIN_ITEM_FIELDS)


@admin.register(InvoiceEvent)
class InvoiceEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("created_at", "invoice", "action", "outcome", "http_status", "user")
    list_filter = ("action", "outcome")
    search_fields = ("invoice__reference_code", "invoice__number", "message")
    list_select_related = ("invoice", "user")
    fields = EVENT_FIELDS
