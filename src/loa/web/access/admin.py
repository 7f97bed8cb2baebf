from django.contrib import admin

from loa.web.access.models import AuditEvent, Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit", "scope", "title")
    list_filter = ("role",)
    raw_id_fields = ("unit", "scope")
    search_fields = ("user__username", "unit__name")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "action", "summary")
    list_filter = ("action",)
    search_fields = ("username", "summary", "object_id")

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: object) -> bool:
        return False
