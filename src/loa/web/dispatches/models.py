"""Dispatch (the official fields of Decree 30/2020, Art. 8) and Delivery (one recipient unit)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from loa.web.units.models import OrgUnit, UnitGroup


class Dispatch(models.Model):
    """An official dispatch with its campaign pack, sent to units that must act and report."""

    scope_lookups: ClassVar[tuple[str, ...]] = ("issuer__path", "deliveries__unit__path")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        SENT = "sent", _("Đã gửi")

    issuer = models.ForeignKey(
        OrgUnit, models.PROTECT, related_name="dispatches_issued", verbose_name=_("cơ quan ban hành")
    )
    issuer_parent_name = models.CharField(
        _("cơ quan chủ quản"),
        max_length=200,
        blank=True,
        help_text=_("Dòng trên tên cơ quan, ví dụ: UBND TỈNH TÂY NINH"),
    )
    issuer_name = models.CharField(
        _("tên cơ quan ban hành"), max_length=200, help_text=_("Ví dụ: SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH")
    )
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    symbol = models.CharField(
        _("ký hiệu"), max_length=60, help_text=_("Ví dụ: SVHTTDL-QLBC (không có dấu cách)")
    )
    place = models.CharField(_("địa danh"), max_length=80)
    issued_on = models.DateField(_("ngày ban hành"))
    subject = models.CharField(_("trích yếu (V/v)"), max_length=300)
    addressees = models.TextField(_("kính gửi"), help_text=_("Mỗi dòng một nơi nhận."))
    body = models.TextField(
        _("nội dung"), help_text=_("Các đoạn cách nhau một dòng trống; dòng bắt đầu bằng “- ” là một ý.")
    )
    closing = models.CharField(_("câu kết"), max_length=120, default="Trân trọng./.")
    copies_to = models.TextField(
        _("nơi nhận"), help_text=_("Mỗi dòng một nơi nhận; dòng cuối thường là “Lưu: VT, …”.")
    )
    signer_authority = models.CharField(
        _("quyền hạn ký"),
        max_length=80,
        blank=True,
        help_text=_("Ví dụ: KT. GIÁM ĐỐC (để trống nếu người đứng đầu ký)"),
    )
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120)
    signer_name = models.CharField(_("họ tên người ký"), max_length=120)
    pack_manifest = models.CharField(
        _("bộ tài liệu đính kèm (manifest.json)"),
        max_length=500,
        blank=True,
        help_text=_("Đường dẫn thư mục đã build hoặc tệp manifest.json của nó."),
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("thời hạn báo cáo (ngày)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Tính từ ngày ban hành."),
    )
    recipient_units = models.ManyToManyField(
        OrgUnit, blank=True, related_name="+", verbose_name=_("đơn vị nhận")
    )
    recipient_groups = models.ManyToManyField(
        UnitGroup, blank=True, related_name="+", verbose_name=_("nhóm đơn vị nhận")
    )
    status = models.CharField(_("trạng thái"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    sent_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = (
            "-issued_on",
            "-pk",
        )
        verbose_name = _("công văn")
        verbose_name_plural = _("công văn")

    def __str__(self) -> str:
        return f"{self.number_and_symbol} — V/v {self.subject}"

    @property
    def number_and_symbol(self) -> str:
        """Return "05/SVHTTDL-QLBC" (numbers below 10 get a leading zero), or "…/SYMBOL" unnumbered."""
        number = f"{self.number:02d}" if self.number else "…"
        return f"{number}/{self.symbol}"

    @property
    def deadline(self) -> date:
        """Return the reporting deadline: the dispatch date plus the given number of days."""
        return self.issued_on + timedelta(days=self.deadline_days)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def addressee_lines(self) -> list[str]:
        return _lines(self.addressees)

    def copies_lines(self) -> list[str]:
        return _lines(self.copies_to)


class Delivery(models.Model):
    """The dispatch as one recipient unit received it: when, and whether it acknowledged."""

    scope_lookups: ClassVar[tuple[str, ...]] = ("unit__path",)

    dispatch = models.ForeignKey(
        Dispatch, models.CASCADE, related_name="deliveries", verbose_name=_("công văn")
    )
    unit = models.ForeignKey(
        OrgUnit, models.PROTECT, related_name="deliveries", verbose_name=_("đơn vị nhận")
    )
    via_group = models.ForeignKey(
        UnitGroup, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("nhận theo nhóm")
    )
    delivered_at = models.DateTimeField(_("thời điểm chuyển"))
    acknowledged_at = models.DateTimeField(_("thời điểm xác nhận đã nhận"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("unit__path",)
        constraints = (models.UniqueConstraint(fields=("dispatch", "unit"), name="one_delivery_per_unit"),)
        verbose_name = _("nơi nhận công văn")
        verbose_name_plural = _("nơi nhận công văn")

    def __str__(self) -> str:
        return f"{self.dispatch.number_and_symbol} → {self.unit}"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class Reminder(models.Model):
    """One reminder e-mail sent about one delivery on one day: the record that makes
    `send_reminders` idempotent per day (a second run the same day finds it and sends nothing)."""

    scope_lookups: ClassVar[tuple[str, ...]] = ("delivery__unit__path",)

    class Kind(models.TextChoices):
        UPCOMING = "upcoming", _("Sắp đến hạn")
        OVERDUE = "overdue", _("Quá hạn")
        ESCALATED = "escalated", _("Báo đơn vị cấp trên")

    delivery = models.ForeignKey(
        Delivery, models.CASCADE, related_name="reminders", verbose_name=_("nơi nhận")
    )
    kind = models.CharField(_("loại nhắc"), max_length=10, choices=Kind.choices)
    sent_on = models.DateField(_("ngày gửi"))
    recipients = models.TextField(_("địa chỉ nhận"), blank=True)
    sent_at = models.DateTimeField(_("thời điểm gửi"), auto_now_add=True)

    class Meta:
        verbose_name = _("thư nhắc")
        verbose_name_plural = _("thư nhắc")
        constraints = (
            models.UniqueConstraint(fields=["delivery", "kind", "sent_on"], name="one_reminder_a_day"),
        )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.delivery} — {self.sent_on:%d/%m/%Y}"
