from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from yancheng.core.admin import AuditedAdmin
from yancheng.core.templatetags.yancheng import amount

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


class AmountInYuan:
    """The amount as the pages show it (600,000.00): the admin formats numbers by the locale, and zh-hans
    separates no thousands."""

    @admin.display(description=_("被担保主债权数额（元）"), ordering="amount")
    def amount_yuan(self, obj):
        return amount(obj.amount)

    @staticmethod
    def fields_of(model) -> list[str]:
        """Every field of `model`, the amount shown formatted."""
        return [f.name if f.name != "amount" else "amount_yuan" for f in model._meta.fields]


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
class ApplicationAdmin(AmountInYuan, AuditedAdmin):
    list_display = ["contract_number", "bank", "unit_number", "status", "received_at"]
    list_filter = ["status", "bank"]
    search_fields = ["contract_number", "unit_number"]
    fields = readonly_fields = AmountInYuan.fields_of(Application)


@admin.register(MortgageRight)
class MortgageRightAdmin(AmountInYuan, AuditedAdmin):
    list_display = ["property_unit", "rank", "bank", "amount_yuan", "recorded_at", "cancelled_at"]
    fields = readonly_fields = AmountInYuan.fields_of(MortgageRight)


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
