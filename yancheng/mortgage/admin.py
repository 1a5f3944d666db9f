from django.contrib import admin

from yancheng.core.admin import AuditedAdmin

from .models import (
    Application,
    Bank,
    Certificate,
    Encumbrance,
    Holding,
    MortgageRight,
    PropertyUnit,
    RegisterEntry,
)


@admin.register(Bank)
class BankAdmin(AuditedAdmin):
    list_display = ["name", "unit", "webhook_url"]


class HoldingInline(admin.TabularInline):
    model = Holding
    extra = 0


class EncumbranceInline(admin.TabularInline):
    model = Encumbrance
    extra = 0


@admin.register(PropertyUnit)
class PropertyUnitAdmin(AuditedAdmin):
    list_display = ["number", "region", "location", "land_kind"]
    list_filter = ["land_kind", "region"]
    search_fields = ["number", "location", "holdings__holder_name"]
    inlines = [HoldingInline, EncumbranceInline]


@admin.register(Application)
class ApplicationAdmin(AuditedAdmin):
    list_display = ["contract_number", "bank", "unit_number", "status", "received_at"]
    list_filter = ["status", "bank"]
    search_fields = ["contract_number", "unit_number"]
    readonly_fields = [f.name for f in Application._meta.fields]


@admin.register(MortgageRight)
class MortgageRightAdmin(AuditedAdmin):
    list_display = ["property_unit", "rank", "bank", "amount", "recorded_at", "cancelled_at"]
    readonly_fields = [f.name for f in MortgageRight._meta.fields]


@admin.register(Certificate)
class CertificateAdmin(AuditedAdmin):
    list_display = ["number", "application", "signed_at"]
    search_fields = ["number"]
    readonly_fields = ["application", "number", "year", "serial", "verification_code", "signed_at"]
    exclude = ["pdf"]


@admin.register(RegisterEntry)
class RegisterEntryAdmin(admin.ModelAdmin):
    """The register's journal is append-only: shown, never changed here."""

    list_display = ["seq", "kind", "property_unit", "at", "hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
