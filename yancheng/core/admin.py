from django import forms
from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from yancheng.core import audit
from yancheng.core import ladder as ladders
from yancheng.core.models import (
    ApiToken,
    AuditEntry,
    CalendarOverride,
    Delivery,
    Enterprise,
    ImportJob,
    LadderOffset,
    LadderStep,
    Person,
    PersonRole,
    Region,
    Unit,
    WebhookChannel,
)
from yancheng.core.models.audit import ACTION_LABELS, action_label, object_type_label


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


class LadderOffsetForm(forms.ModelForm):
    """An office's offset for a ladder's step: only the steps the ladder has, kept in their order."""

    class Meta:
        model = LadderOffset
        fields = ["kind", "rung", "offset"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The ladders the apps declared (registered when they load).
        self.fields["kind"] = forms.ChoiceField(
            label=self.fields["kind"].label, choices=[(kind, kind) for kind in sorted(ladders.registry)]
        )

    def clean(self):
        data = super().clean()
        kind, rung, offset = data.get("kind"), data.get("rung"), data.get("offset")
        if kind is None or rung is None or offset is None:
            return data
        ladder = ladders.registry.get(kind)
        if ladder is None:
            raise forms.ValidationError(_("没有这类催办：%(kind)s") % {"kind": kind})
        if rung not in {step.rung for step in ladder.steps}:
            raise forms.ValidationError(_("这类催办没有这个环节。"))
        try:
            ladders.check_offset(ladder, rung, offset)
        except ValueError:
            raise forms.ValidationError(
                _(
                    "时点须在期限前 %(lead)s 至期限后 %(late)s 个工作日之间，且不早于前一环节、不晚于后一环节。"
                )
                % {"lead": ladders.MAX_LEAD, "late": ladders.MAX_LATE}
            ) from None
        return data


@admin.register(LadderOffset)
class LadderOffsetAdmin(AuditedAdmin):
    form = LadderOffsetForm
    list_display = ["kind", "rung", "offset"]
    list_filter = ["kind"]


@admin.register(LadderStep)
class LadderStepAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "object_id", "rung", "deadline", "at"]
    list_filter = ["kind", "rung"]
    search_fields = ["number"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["notification", "kind", "target", "status", "attempts", "sent_at"]
    list_filter = ["kind", "status"]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    """Every upload and how it ended, for administrators helping someone whose import failed. The file
    itself is not shown (nor read: lists defer it)."""

    list_display = [
        "file_name",
        "kind",
        "uploaded_by",
        "created_at",
        "state_name",
        "row_count",
        "error_count",
    ]
    list_display += ["created", "updated", "unchanged"]
    list_filter = ["kind", "state"]
    search_fields = ["file_name", "uploaded_by__username", "sha256"]
    date_hierarchy = "created_at"
    fields = ["kind", "file_name", "sha256", "uploaded_by", "created_at", "state_name", "row_count"]
    fields += ["error_count", "errors", "created", "updated", "unchanged", "failure"]
    fields += ["queued_at", "started_at", "finished_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("file").select_related("uploaded_by")

    @admin.display(description=_("状态"), ordering="state")
    def state_name(self, job):
        return job.state_label


class CodeFilter(admin.SimpleListFilter):
    """A filter on one of the log's codes, listing each by its Chinese name. The codes come from what the
    platform declares (`codes`), not from the log: a DISTINCT over the largest table on every page."""

    def lookups(self, request, model_admin):
        return sorted(((code, self.label(code)) for code in self.codes()), key=lambda choice: choice[1])

    def queryset(self, request, queryset):
        return queryset.filter(**{self.parameter_name: self.value()}) if self.value() else queryset


class ActionFilter(CodeFilter):
    title = _("操作")
    parameter_name = "action"
    label = staticmethod(action_label)

    @staticmethod
    def codes():
        return ACTION_LABELS  # the core's actions and each app's AUDIT_ACTIONS


class ObjectTypeFilter(CodeFilter):
    title = _("对象类型")
    parameter_name = "object_type"
    label = staticmethod(object_type_label)

    @staticmethod
    def codes():
        # The platform's own models and the accounts: what audited actions are recorded on.
        models = [m for m in apps.get_models() if m.__module__.startswith("yancheng.")]
        return [m._meta.label_lower for m in models] + ["auth.user"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action_name", "object_type_name", "object_repr", "ip"]
    list_filter = [ActionFilter, ObjectTypeFilter, ("at", admin.DateFieldListFilter)]
    search_fields = ["actor_label", "object_repr", "object_id", "ip"]
    date_hierarchy = "at"
    fields = ["at", "actor", "actor_label", "action_name", "object_type_name", "object_id", "object_repr"]
    fields += ["changes", "ip"]
    readonly_fields = fields

    actions = None

    @admin.display(description=_("操作"), ordering="action")
    def action_name(self, entry):
        return entry.action_label

    @admin.display(description=_("对象类型"), ordering="object_type")
    def object_type_name(self, entry):
        return entry.object_type_label


# --- third-party models, shown in Chinese ---------------------------------------------------------------
# Their remaining English strings are marked for translation and translated in yancheng/locale/zh_Hans.

admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    """Who has bound an authenticator. An administrator resets someone's second factor by deleting the
    device (they bind a new one at their next sign-in); keys and QR codes are not shown, unlike in
    django-otp's own admin, whose pages are English throughout."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_display_links = None
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__person__full_name"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    list_display = [
        "id",
        "task",
        "status",
        "enqueued_at",
        "started_at",
        "finished_at",
        "priority",
        "queue_name",
    ]

    @admin.display(description=_("任务"), ordering="task_path")
    def task(self, result):
        return result.task_name

    @admin.display(description=_("错误回溯"))
    def formatted_traceback(self, result):
        return super().formatted_traceback(result)

    @admin.display(description=_("最早执行时间"))
    def display_run_after(self, result):
        return super().display_run_after(result)
