"""One form renderer for the staff area: each field wrapped in its own block (label, help, errors, input)."""

from django.forms.renderers import TemplatesSetting


class StaffFormRenderer(TemplatesSetting):
    field_template_name = "forms/field.html"
