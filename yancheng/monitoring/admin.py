"""Connecting media servers and cameras (the commission's office, in the admin)."""

from django.contrib import admin

from yancheng.core import clock
from yancheng.core.admin import AuditedAdmin

from .models import Camera, MediaServer, MonitoringRules


@admin.register(MediaServer)
class MediaServerAdmin(AuditedAdmin):
    list_display = ["name", "kind", "hls_base"]


@admin.register(Camera)
class CameraAdmin(AuditedAdmin):
    list_display = ["name", "project", "server", "stream_key", "state"]
    list_filter = ["state", "server"]
    search_fields = ["name", "project__name", "stream_key", "device_id"]
    raw_id_fields = ["project"]
    readonly_fields = ["state", "state_since", "last_sequence", "last_advanced_at", "checked_at", "alert_at"]
    exclude = ["created_at"]

    def save_model(self, request, obj, form, change):
        if obj.created_at is None:
            obj.created_at = clock.now()
        super().save_model(request, obj, form, change)


@admin.register(MonitoringRules)
class MonitoringRulesAdmin(AuditedAdmin):
    list_display = ["__str__", "snapshot_minutes", "grab_timeout_seconds", "concurrency", "offline_minutes"]
