from django.contrib import admin, messages
from django.http import HttpResponseRedirect

from catalog import models, services

SYNC_KEYS = {
    models.Municipality: "municipalities",
    models.Country: "countries",
    models.Tribute: "tributes",
    models.MeasurementUnit: "units",
    models.NumberingRange: "numbering_ranges",
}


@admin.action(description="Desactivar los seleccionados", permissions=["change"])
def deactivate(modeladmin, request, queryset):
    count = services.lookup_deactivate(model=queryset.model, pks=queryset.values_list("pk", flat=True))
    modeladmin.message_user(request, f"{count} registro(s) desactivado(s).", messages.SUCCESS)


@admin.action(description="Sincronizar desde Factus", permissions=["sync"])
def sync_from_factus(modeladmin, request, queryset):
    try:
        results = services.catalog_sync(only=[SYNC_KEYS[queryset.model]])
    except services.CatalogSyncError as exc:
        modeladmin.message_user(request, exc.message, messages.ERROR)
        return
    for result in results:
        modeladmin.message_user(request, result.line(), messages.SUCCESS)


class SyncedLookupAdmin(admin.ModelAdmin):
    """Synced from Factus: read-only data, no delete (deactivate instead)."""

    list_filter = ["is_active"]
    actions = [sync_from_factus, deactivate]
    readonly_fields = ["factus_id", "synced_at"]
    list_per_page = 50

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, *self.model.SYNC_FIELDS]

    def has_delete_permission(self, request, obj=None):
        return False

    def has_sync_permission(self, request) -> bool:
        """The "Sincronizar desde Factus" action: catalog.sync_lookups (core/roles.py)."""
        return request.user.has_perm("catalog.sync_lookups")

    def changelist_view(self, request, extra_context=None):
        # The sync covers the whole catalogue, so it also runs with no row selected.
        if (
            request.method == "POST"
            and request.POST.get("action") == "sync_from_factus"
            and not request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
            and self.has_sync_permission(request)
        ):
            sync_from_factus(self, request, self.model.objects.none())
            return HttpResponseRedirect(request.get_full_path())
        return super().changelist_view(request, extra_context)


@admin.register(models.Municipality)
class MunicipalityAdmin(SyncedLookupAdmin):
    list_display = ["name", "department", "code", "factus_id", "is_active", "synced_at"]
    list_filter = ["is_active", "department"]
    search_fields = ["name", "department", "code", "=factus_id"]
    ordering = ["department", "name"]


@admin.register(models.Country, models.MeasurementUnit)
class CodeNameLookupAdmin(SyncedLookupAdmin):
    list_display = ["name", "code", "factus_id", "is_active", "synced_at"]
    search_fields = ["name", "code", "=factus_id"]
    ordering = ["name"]


@admin.register(models.Tribute)
class TributeAdmin(SyncedLookupAdmin):
    list_display = ["factus_id", "code", "name", "description", "is_active", "synced_at"]
    search_fields = ["name", "code", "description"]
    ordering = ["factus_id"]


@admin.register(models.NumberingRange)
class NumberingRangeAdmin(SyncedLookupAdmin):
    list_display = [
        "prefix",
        "document_name",
        "from_number",
        "to_number",
        "current",
        "numbers_left",
        "end_date",
        "is_expired",
        "is_active",
        "factus_id",
    ]
    list_filter = ["is_active", "is_expired", "document_name"]
    search_fields = ["prefix", "resolution_number", "=factus_id"]
    ordering = ["document", "prefix"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "is_active"]

    @admin.display(description="disponibles")
    def numbers_left(self, obj):
        return obj.numbers_left


@admin.register(
    models.IdentificationDocumentType, models.LegalOrganization, models.CustomerTribute, models.StandardCode
)
class FactusReferenceAdmin(admin.ModelAdmin):
    list_display = ["factus_id", "code", "name"]
    search_fields = ["name", "code"]
    ordering = ["factus_id"]


@admin.register(
    models.PaymentMethod,
    models.PaymentForm,
    models.WithholdingCode,
    models.BillDocumentType,
    models.OperationType,
)
class CodeReferenceAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "code"]
    ordering = ["code"]


@admin.register(models.Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = [
        "display_name",
        "identification_document",
        "identification",
        "dv",
        "email",
        "municipality",
        "updated",
    ]
    list_filter = ["identification_document", "legal_organization", "tribute"]
    search_fields = ["company", "names", "trade_name", "identification", "email"]
    ordering = ["company", "names"]
    autocomplete_fields = ["municipality"]
    readonly_fields = ["created", "updated"]
    list_select_related = ["identification_document", "municipality"]


class ProductWithholdingInline(admin.TabularInline):
    model = models.ProductWithholding
    extra = 0
    max_num = len(models.ProductWithholding.Code.choices)


@admin.register(models.Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["code_reference", "name", "price", "tax_rate", "is_excluded", "unit", "is_active"]
    list_filter = ["is_active", "is_excluded", "tax_rate", "tribute"]
    search_fields = ["code_reference", "name"]
    ordering = ["name"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["created", "updated"]
    inlines = [ProductWithholdingInline]
    list_select_related = ["unit"]
