"""Membership (a user's role, the unit they act for and the subtree they see) and AuditEvent."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from loa.web.units.models import OrgUnit


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị cơ quan ban hành")
    REPORTER = "reporter", _("Cán bộ báo cáo của đơn vị")
    LEADER = "leader", _("Lãnh đạo, theo dõi")


class Membership(models.Model):
    """A staff user's role: they act for `unit` and see the subtree under `scope`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="membership", verbose_name=_("người dùng")
    )
    role = models.CharField(_("vai trò"), max_length=10, choices=Role.choices)
    unit = models.ForeignKey(OrgUnit, models.PROTECT, related_name="+", verbose_name=_("đơn vị công tác"))
    scope = models.ForeignKey(OrgUnit, models.PROTECT, related_name="+", verbose_name=_("phạm vi theo dõi"))
    title = models.CharField(_("chức vụ"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.scope}"

    def clean(self) -> None:
        if self.unit_id and self.scope_id and not self.scope.contains(self.unit):
            raise ValidationError({"unit": _("Đơn vị công tác phải nằm trong phạm vi theo dõi.")})


class AuditEvent(models.Model):
    """One recorded change or sensitive read (who, what, when, where in the tree)."""

    scope_lookups: ClassVar[tuple[str, ...]] = ("scope_path",)

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    username = models.CharField(_("người thực hiện"), max_length=150, blank=True)
    action = models.CharField(_("hành động"), max_length=60, db_index=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=40)
    object_id = models.CharField(_("mã đối tượng"), max_length=40)
    summary = models.CharField(_("tóm tắt"), max_length=300)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    scope_path = models.CharField(max_length=255, db_index=True, default="/")
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = (
            "-at",
            "-pk",
        )
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.username}: {self.action} {self.summary}"


class LoginFailure(models.Model):
    """Failed sign-ins of one account name, in the database so every web worker sees the same count."""

    username = models.CharField(max_length=150, primary_key=True)  # lower-cased as typed
    failures = models.PositiveIntegerField(default=0)
    last_failed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("đăng nhập sai")
        verbose_name_plural = _("đăng nhập sai")

    def __str__(self) -> str:
        return f"{self.username}: {self.failures}"


class UserSession(models.Model):
    """One signed-in session of a user: lets Loa end all of a user's sessions when they are disabled."""

    session_key = models.CharField(max_length=40, primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiên đăng nhập")
        verbose_name_plural = _("phiên đăng nhập")

    def __str__(self) -> str:
        return f"{self.user_id} · {self.started_at:%d/%m/%Y %H:%M}"
