from django.contrib import admin

from loa.web.units.models import OrgUnit, UnitChange, UnitGroup


class UnitChangeInline(admin.TabularInline):
    model = UnitChange
    fk_name = "unit"
    extra = 0


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "school_level", "parent", "active")
    list_filter = ("kind", "school_level", "active")
    search_fields = ("name", "code")
    raw_id_fields = ("parent",)
    inlines = (UnitChangeInline,)


@admin.register(UnitGroup)
class UnitGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "within")
    raw_id_fields = ("within",)
    filter_horizontal = ("members",)


@admin.register(UnitChange)
class UnitChangeAdmin(admin.ModelAdmin):
    list_display = ("unit", "kind", "on", "old_name", "new_name", "successor")
    list_filter = ("kind",)
    raw_id_fields = ("unit", "successor")
