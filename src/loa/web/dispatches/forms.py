"""The dispatch form: official fields, recipients limited to the sender's subtree, pack checked."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from loa.web.access.scoping import scoped
from loa.web.dispatches.models import Dispatch
from loa.web.dispatches.packs import load_pack
from loa.web.units.models import OrgUnit, UnitGroup

SYMBOL = re.compile(r"^[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*$")


class UnitTreeWidget(forms.CheckboxSelectMultiple):
    """Units as checkboxes, folded under the unit above them (a commune's schools, a province's
    communes): a province's thousand units stay easy to scan, with no script."""

    template_name = "dispatches/widgets/unit_tree.html"


def units_by_parent(units: Iterable[OrgUnit]) -> list[tuple[str, list[tuple[int, str]]]]:
    """Return (parent's name, [(pk, name)...]) groups in tree order, for the unit tree widget."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for unit in units:
        groups.setdefault(unit.parent.name if unit.parent else "", []).append((unit.pk, unit.name))
    return list(groups.items())


class DispatchForm(forms.ModelForm):
    class Meta:
        model = Dispatch
        fields = (
            "issuer_parent_name",
            "issuer_name",
            "symbol",
            "place",
            "issued_on",
            "subject",
            "addressees",
            "body",
            "closing",
            "copies_to",
            "signer_authority",
            "signer_title",
            "signer_name",
            "pack_manifest",
            "deadline_days",
            "recipient_groups",
            "recipient_units",
        )
        widgets = {  # noqa: RUF012 - Django reads Meta as plain data
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "addressees": forms.Textarea(attrs={"rows": 6}),
            "body": forms.Textarea(attrs={"rows": 14}),
            "copies_to": forms.Textarea(attrs={"rows": 6}),
            "recipient_groups": forms.CheckboxSelectMultiple,
            "recipient_units": UnitTreeWidget,
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient_groups"].queryset = scoped(UnitGroup.objects.all(), user)
        units = scoped(OrgUnit.objects.filter(active=True), user).select_related("parent").order_by("path")
        field = self.fields["recipient_units"]
        field.queryset = units
        field.choices = units_by_parent(units)
        field.help_text = _("Mở từng đơn vị cấp trên để chọn các đơn vị trực thuộc.")

    def clean_symbol(self) -> str:
        symbol = self.cleaned_data["symbol"].strip().upper()
        if not SYMBOL.match(symbol):
            raise forms.ValidationError(
                _("Ký hiệu viết hoa, nối các nhóm chữ bằng dấu “-”, không có dấu cách (ví dụ: SVHTTDL-QLBC).")
            )
        return symbol

    def clean_pack_manifest(self) -> str:
        location = self.cleaned_data["pack_manifest"].strip()
        if location and load_pack(location) is None:
            raise forms.ValidationError(
                _(
                    "Không đọc được manifest.json ở đường dẫn này — chạy "
                    "“loa build <chiến dịch> --out <thư mục>” "
                    "rồi ghi thư mục đó."
                )
            )
        return location
