from django.contrib import admin

from loa.web.dispatches.models import Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """The reminders sent (read-only): who was written to, about which delivery, on which day."""

    list_display = ("sent_on", "kind", "delivery", "recipients")
    list_filter = ("kind", "sent_on")
    search_fields = ("delivery__unit__name", "recipients")

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: object) -> bool:
        return False
