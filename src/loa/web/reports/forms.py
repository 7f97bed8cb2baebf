"""The activity report form (counts, dates inside the dispatch, http(s) links) and the photo form."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loa.web.dispatches.models import Delivery
from loa.web.dispatches.packs import load_pack
from loa.web.reports.models import AUDIENCE_FIELDS, ActivityReport, PhotoConsent

MAX_LINKS = 20


class ReportForm(forms.ModelForm):
    materials = forms.MultipleChoiceField(
        label=_("Tài liệu đã dùng (từ bộ tài liệu)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    client_token = forms.UUIDField(required=False, widget=forms.HiddenInput)  # one per form shown

    class Meta:
        model = ActivityReport
        fields = (
            "kind",
            "held_on",
            "title",
            "description",
            *(n for n, _l in AUDIENCE_FIELDS),
            "links",
            "materials",
        )
        widgets = {  # noqa: RUF012 - Django reads Meta as plain data
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
            "links": forms.Textarea(attrs={"rows": 3, "placeholder": "https://…"}),
        }

    def __init__(self, *args: Any, delivery: Delivery, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.delivery = delivery
        if self.instance.pk is None:
            self.fields["client_token"].initial = uuid.uuid4()
        pack = load_pack(delivery.dispatch.pack_manifest)
        products = pack.for_unit_kind(delivery.unit.kind) if pack else []
        self.fields["materials"].choices = [
            (p.path, f"{p.title} ({p.format.upper()})") for p in products[:60]
        ]
        for name, _label in AUDIENCE_FIELDS:
            self.fields[name].widget.attrs.update({"min": 0, "inputmode": "numeric"})

    def clean_held_on(self) -> Any:
        held_on = self.cleaned_data["held_on"]
        issued_on = self.delivery.dispatch.issued_on
        if held_on < issued_on:
            raise ValidationError(
                _("Ngày thực hiện trước ngày ban hành công văn (%(d)s) — kiểm tra lại ngày."),
                params={"d": issued_on.strftime("%d/%m/%Y")},
            )
        if held_on > timezone.localdate():
            raise ValidationError(_("Ngày thực hiện ở tương lai — chỉ báo cáo hoạt động đã diễn ra."))
        return held_on

    def clean_links(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        if len(lines) > MAX_LINKS:
            raise ValidationError(_("Tối đa %(n)s đường dẫn."), params={"n": MAX_LINKS})
        check = URLValidator(schemes=["http", "https"])
        for number, line in enumerate(lines, start=1):
            try:
                check(line)
            except ValidationError:
                raise ValidationError(
                    _("Dòng %(n)s: “%(url)s” không phải đường dẫn http(s) hợp lệ."),
                    params={"n": number, "url": line[:80]},
                ) from None
        return "\n".join(lines)


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Ảnh minh chứng (JPEG, PNG hoặc WebP)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    caption = forms.CharField(label=_("Chú thích"), max_length=200, required=False)


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Ý kiến"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConsentForm(forms.ModelForm):
    """Consent behind publishing one evidence photo; "publish" is refused unless it is complete."""

    publish = forms.BooleanField(
        label=_("Cho phép công bố ảnh này (trang thông tin, Facebook, Zalo, báo chí)"),
        required=False,
        help_text=_("Để trống: ảnh chỉ dùng nội bộ làm minh chứng."),
    )

    class Meta:
        model = PhotoConsent
        fields = (
            "shows_children",
            "parent_consent",
            "child_aged_7_or_over",
            "child_consent",
            "form_reference",
            "consented_on",
        )
        widgets = {"consented_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}  # noqa: RUF012

    def clean_consented_on(self) -> Any:
        day = self.cleaned_data["consented_on"]
        if day > timezone.localdate():
            raise ValidationError(_("Ngày đồng ý ở tương lai — kiểm tra lại ngày trên giấy đồng ý."))
        return day
