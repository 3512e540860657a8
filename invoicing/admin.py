from django.contrib import admin

from invoicing.models import Invoice, InvoiceEvent, InvoiceItem
from invoicing.services import invoice_refresh_estimated_total

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


class InvoiceItemInline(admin.TabularInline):
    model = InvoiceItem
    extra = 0
    raw_id_fields = ("product",)
    fields = (
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


class InvoiceEventInline(admin.TabularInline):
    model = InvoiceEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "user", "action", "outcome", "http_status", "message", "duration_ms")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
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
    raw_id_fields = ("customer",)
    readonly_fields = (*FACTUS_FIELDS, "estimated_total")
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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        invoice_refresh_estimated_total(invoice_id=form.instance.pk)  # items may have been edited inline


@admin.register(InvoiceEvent)
class InvoiceEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "invoice", "action", "outcome", "http_status", "user")
    list_filter = ("action", "outcome")
    search_fields = ("invoice__reference_code", "invoice__number", "message")
    list_select_related = ("invoice", "user")
    readonly_fields = (
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
