from django.contrib import admin

from yancheng.core import audit
from yancheng.core.models import (
    ApiToken,
    AuditEntry,
    CalendarOverride,
    Delivery,
    Enterprise,
    Person,
    PersonRole,
    Region,
    Unit,
    WebhookChannel,
)


class AuditedAdmin(admin.ModelAdmin):
    """Changes made in the admin are actions too: each save and delete goes to the audit log."""

    def save_model(self, request, obj, form, change):
        before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        action = "admin_changed" if change else "admin_created"
        audit.record(action, obj, changes=audit.changes_between(before, audit.snapshot(obj)), request=request)

    def delete_model(self, request, obj):
        audit.record(
            "admin_deleted", obj, changes=audit.changes_between(audit.snapshot(obj), {}), request=request
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        """Inline rows (a person's roles, a property unit's holders) are audited like the row they belong
        to: granting a role in the admin is a change like any other."""
        stored = {
            obj.pk: audit.snapshot(obj)
            for obj in formset.model.objects.filter(pk__in=[f.instance.pk for f in formset.initial_forms])
        }
        for deleted in formset.deleted_forms:  # recorded first: the rows lose their key when deleted
            if deleted.instance.pk in stored:
                changes = audit.changes_between(stored[deleted.instance.pk], {})
                audit.record("admin_deleted", deleted.instance, changes=changes, request=request)
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            changes = audit.changes_between({}, audit.snapshot(obj))
            audit.record("admin_created", obj, changes=changes, request=request)
        for obj, _fields in formset.changed_objects:
            changes = audit.changes_between(stored.get(obj.pk, {}), audit.snapshot(obj))
            audit.record("admin_changed", obj, changes=changes, request=request)


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "region", "parent"]
    list_filter = ["kind", "region"]
    search_fields = ["code", "name", "short_name"]


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedAdmin):
    list_display = ["name", "uscc", "region", "industry", "risk_grade", "exempt", "pilot"]
    list_filter = [
        "region",
        "risk_grade",
        "exempt",
        "pilot",
        "above_designated_size",
        "specialized",
        "little_giant",
    ]
    search_fields = ["name", "uscc"]


class PersonRoleInline(admin.TabularInline):
    model = PersonRole
    extra = 1


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["full_name", "user", "unit", "enterprise", "title"]
    list_filter = ["roles__role", "unit__kind"]
    search_fields = ["full_name", "user__username", "phone"]
    autocomplete_fields = ["enterprise", "unit"]
    inlines = [PersonRoleInline]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(AuditedAdmin):
    list_display = ["day", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "day"


@admin.register(WebhookChannel)
class WebhookChannelAdmin(AuditedAdmin):
    list_display = ["unit", "kind", "active"]
    list_filter = ["kind", "active"]


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    """Tokens are issued on the token page (the secret is shown once there); here they are watched and revoked."""

    list_display = ["name", "user", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["revoked_at"]
    readonly_fields = ["user", "name", "prefix", "created_at", "created_by", "expires_at", "last_used_at"]

    def has_add_permission(self, request):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["notification", "kind", "target", "status", "attempts", "sent_at"]
    list_filter = ["kind", "status"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_repr", "ip"]
    list_filter = ["action", "object_type", ("at", admin.DateFieldListFilter)]
    search_fields = ["actor_label", "object_repr", "object_id", "ip"]
    date_hierarchy = "at"

    actions = None
