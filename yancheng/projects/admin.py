"""An administrator sets the ledger's rules (the commission, the report's deadline, the margin the plan's
watch allows), audited like every admin change; the ledger itself changes through actions.py."""

from django.contrib import admin

from yancheng.core.admin import AuditedAdmin

from .models import ProjectRules


@admin.register(ProjectRules)
class ProjectRulesAdmin(AuditedAdmin):
    list_display = ["__str__", "commission", "report_due_workday", "deviation_margin"]
    autocomplete_fields = ["commission"]

    def has_add_permission(self, request):
        return not ProjectRules.objects.exists()  # one row: the defaults until it is first saved

    def has_delete_permission(self, request, obj=None):
        return False
