"""Login with a per-account failure limit, and the TOTP code form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

MAX_FAILURES = 10
LOCK_SECONDS = 15 * 60


class ThrottledLoginForm(AuthenticationForm):
    """Refuse an account for 15 minutes after 10 failed logins (well under the ASVS ceiling of 100/h)."""

    def clean(self) -> dict[str, Any]:
        key = f"loa-login-failures:{(self.data.get('username') or '').strip().lower()}"
        if (cache.get(key) or 0) >= MAX_FAILURES:
            raise forms.ValidationError(
                _("Tài khoản tạm khóa 15 phút vì đăng nhập sai quá nhiều lần. Hãy thử lại sau."),
                code="locked",
            )
        try:
            return super().clean()
        except forms.ValidationError:
            cache.set(key, (cache.get(key) or 0) + 1, LOCK_SECONDS)
            raise


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Mã xác thực 6 chữ số"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )
