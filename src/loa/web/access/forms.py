"""Login with a per-account failure limit shared by all web workers, and the TOTP code form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from loa.web.access import lockout


class ThrottledLoginForm(AuthenticationForm):
    """Refuse an account for 15 minutes after 10 failed logins (well under the ASVS ceiling of 100/h)."""

    def clean(self) -> dict[str, Any]:
        username = str(self.data.get("username") or "")
        if lockout.is_locked(username):
            raise forms.ValidationError(
                _("Tài khoản tạm khóa 15 phút vì đăng nhập sai quá nhiều lần. Hãy thử lại sau."),
                code="locked",
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            lockout.record_failure(username)
            raise
        lockout.clear(username)
        return cleaned


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Mã xác thực 6 chữ số"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )
