"""TOTP second factor for issuer administrators (django-otp): who needs it, enrolment, verification."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.conf import settings
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from loa.web.access.models import Role
from loa.web.access.rules import role_of


def needs_second_factor(user: Any) -> bool:
    """Administrators (and superusers) must pass TOTP unless LOA_ADMIN_2FA=0."""
    return bool(settings.LOA_ADMIN_2FA) and role_of(user) == Role.ADMIN


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: Any) -> TOTPDevice:
    """Return the user's unconfirmed TOTP device, creating one with a fresh key."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Loa", confirmed=False)


def secret_of(device: TOTPDevice) -> str:
    """Return the key in base32, as authenticator apps ask for it when typed by hand."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    """Return an inline SVG QR code of the otpauth:// address (made here, never by a web service)."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#0b2545", border=2))


def verify(request: Any, device: TOTPDevice, token: str) -> bool:
    """Check a 6-digit code; on success confirm the device and mark the session verified."""
    token = "".join(ch for ch in token if ch.isdigit())
    if len(token) != 6 or not device.verify_token(token):
        return False
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return True
