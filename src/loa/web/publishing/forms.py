"""Forms: connect an account (tokens pasted, never shown back) and plan one post."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loa.web.publishing.models import ChannelKind

TOKEN_WIDGET = forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}, render_value=False)


class AccountForm(forms.Form):
    name = forms.CharField(label=_("Tên hiển thị"), max_length=120)
    target_id = forms.RegexField(
        label=_("Mã Trang / mã OA"),
        regex=r"^[0-9]{3,30}$",
        max_length=30,
        error_messages={"invalid": _("Chỉ gồm chữ số, như trong phần Giới thiệu của Trang hoặc OA.")},
    )
    page_token = forms.CharField(
        label=_("Token Trang dài hạn"),
        required=False,
        widget=TOKEN_WIDGET,
        help_text=_(
            "Lấy từ /me/accounts với token người dùng dài hạn. Được mã hóa ngay; không bao giờ hiện lại."
        ),
    )
    access_token = forms.CharField(label=_("Access token"), required=False, widget=TOKEN_WIDGET)
    refresh_token = forms.CharField(
        label=_("Refresh token"),
        required=False,
        widget=TOKEN_WIDGET,
        help_text=_("Dùng một lần; Loa tự làm mới và lưu cặp token mới (đã mã hóa)."),
    )
    second_approval = forms.BooleanField(
        label=_("Cần người duyệt thứ hai (một người khác) trước khi đăng"), required=False
    )

    def __init__(self, *args: Any, channel: str, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.channel = channel
        unused = ("access_token", "refresh_token") if channel == ChannelKind.FACEBOOK else ("page_token",)
        for name in unused:
            del self.fields[name]
        facebook = channel == ChannelKind.FACEBOOK
        self.fields["target_id"].label = _("Mã Trang (Page ID)") if facebook else _("Mã OA (OA ID)")
        if editing:
            for name in ("page_token", "access_token", "refresh_token"):
                if name in self.fields:
                    self.fields[name].help_text = _("Để trống để giữ token đã lưu.")

    def tokens(self) -> dict[str, str]:
        names = ("page_token",) if self.channel == ChannelKind.FACEBOOK else ("access_token", "refresh_token")
        return {n: self.cleaned_data.get(n) or "" for n in names}


class PostForm(forms.Form):
    topic = forms.CharField(widget=forms.HiddenInput)
    when = forms.DateTimeField(
        label=_("Hẹn giờ đăng (giờ Việt Nam)"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_(
            "Để trống để đăng ngay khi duyệt xong. Facebook giữ lịch từ 10 phút đến 30 ngày; "
            "xa hơn, Loa giữ bài và hẹn giờ khi vào khoảng đó."
        ),
    )
    photos = forms.MultipleChoiceField(
        label=_("Ảnh thêm (bài nhiều ảnh)"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, images: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photos"].choices = [(p, p.rsplit("/", 1)[-1]) for p in images]

    def clean_when(self) -> datetime | None:
        when: datetime | None = self.cleaned_data.get("when")
        if when is not None and when <= timezone.now():
            raise forms.ValidationError(_("Giờ hẹn đã qua — để trống để đăng ngay."))
        return when


class BroadcastForm(forms.Form):
    topics = forms.MultipleChoiceField(
        label=_("Bài viết đã đăng (tối đa 5)"), widget=forms.CheckboxSelectMultiple
    )
    provinces = forms.RegexField(
        label=_("Tỉnh, thành phố nhận tin (mã 2025)"),
        regex=r"^\s*[0-9]{1,2}(\s*,\s*[0-9]{1,2})*\s*$",
        required=False,
        help_text=_(
            "Ví dụ 80 (Tây Ninh). Zalo vẫn dùng 63 tỉnh cũ: Loa gửi các tỉnh cũ đã hợp thành tỉnh này. "
            "Để trống để gửi mọi người theo dõi."
        ),
        error_messages={"invalid": _("Các mã tỉnh, cách nhau bởi dấu phẩy, ví dụ 80, 79.")},
    )
    when = forms.DateTimeField(
        label=_("Hẹn giờ gửi (giờ Việt Nam)"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_(
            "Để trống để gửi khi duyệt xong. Zalo gửi từ 06:00 đến 20:00; mỗi người nhận tối đa 1 tin/ngày."
        ),
    )

    def __init__(self, *args: Any, articles: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = articles

    def clean_topics(self) -> list[str]:
        topics: list[str] = self.cleaned_data["topics"]
        if len(topics) > 5:
            raise forms.ValidationError(_("Zalo broadcast articles: tối đa 5 bài một tin."))
        return topics

    def province_codes(self) -> list[str]:
        return [c.strip().zfill(2) for c in self.cleaned_data["provinces"].split(",") if c.strip()]
