"""The admin shows requests read-only (every change goes through actions.py) and lets an administrator
edit the three settings tables, audited like every admin change."""

from django.contrib import admin

from yancheng.core.admin import AuditedAdmin

from .models import Attachment, EnterpriseRequest, KindDeadline, LedgerThresholds, RequestEvent, RoutingRule


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = RequestEvent
    fields = ["at", "kind", "by", "note"]
    readonly_fields = fields


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["name", "size", "event"]
    readonly_fields = fields


@admin.register(EnterpriseRequest)
class EnterpriseRequestAdmin(admin.ModelAdmin):
    list_display = ["subject", "enterprise", "kind", "unit", "filed_at", "accept_deadline", "replied_at"]
    list_filter = ["kind", "satisfaction", "extension_pending"]
    search_fields = ["subject", "enterprise__name", "enterprise__uscc"]
    list_select_related = ["enterprise", "unit"]
    date_hierarchy = "filed_at"
    inlines = [EventInline, AttachmentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(KindDeadline)
class KindDeadlineAdmin(AuditedAdmin):
    list_display = ["kind", "accept_days", "reply_days"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdmin):
    list_display = ["priority", "kind", "region", "industry", "unit"]
    list_select_related = ["region", "unit"]
    autocomplete_fields = ["unit"]


@admin.register(LedgerThresholds)
class LedgerThresholdsAdmin(AuditedAdmin):
    list_display = ["__str__", "min_accept_on_time", "min_reply_on_time", "min_satisfaction"]
