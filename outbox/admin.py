from django.contrib import admin

from outbox.models import PendingTask


@admin.register(PendingTask)
class PendingTaskAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: what is waiting for the broker, and why (the last error)."""

    list_display = ["name", "args", "created_at", "not_before", "attempts", "last_error"]
    readonly_fields = ["name", "args", "created_at", "not_before", "attempts", "last_error"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
