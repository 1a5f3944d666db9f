"""Setting up task forces (the government office, in the admin): the task force with its units, links
and members; the cadres' ranks; the office's limits. The timeline, tasks, check-ins and meetings are
kept on the task force's pages, where their deadlines are computed."""

from django.contrib import admin

from yancheng.core import clock
from yancheng.core.admin import AuditedAdmin

from .models import Cadre, Member, TaskForce, TaskForceRules


class MemberInline(admin.TabularInline):
    model = Member
    extra = 1
    autocomplete_fields = ["cadre"]


@admin.register(TaskForce)
class TaskForceAdmin(AuditedAdmin):
    list_display = ["name", "kind", "leader", "lead_unit", "cadence"]
    list_filter = ["kind"]
    search_fields = ["name"]
    autocomplete_fields = ["leader", "lead_unit", "cooperating_units"]
    raw_id_fields = ["projects", "items", "leads"]
    exclude = ["created_at"]
    inlines = [MemberInline]

    def save_model(self, request, obj, form, change):
        if obj.created_at is None:
            obj.created_at = clock.now()
        super().save_model(request, obj, form, change)


@admin.register(Cadre)
class CadreAdmin(AuditedAdmin):
    list_display = ["person", "rank"]
    list_filter = ["rank"]
    search_fields = ["person__full_name"]
    autocomplete_fields = ["person"]


@admin.register(TaskForceRules)
class TaskForceRulesAdmin(AuditedAdmin):
    list_display = ["__str__", "milestone_grace_days", "blocker_days", "task_answer_days"]
