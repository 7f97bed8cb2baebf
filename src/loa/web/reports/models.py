"""ActivityReport (what a unit did, for whom, how many) and EvidencePhoto (sanitised, internal)."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loa.web.dispatches.models import Delivery
from loa.web.units.models import OrgUnit


class ActivityKind(models.TextChoices):
    MEETING = "meeting", _("Hội nghị, cuộc họp")
    CLASS_SESSION = "class", _("Tiết học, buổi sinh hoạt")
    CHANNEL_POST = "post", _("Bài đăng trên kênh (website, Zalo, Facebook)")
    LOUDSPEAKER = "loudspeaker", _("Phát trên loa truyền thanh")
    PRINT = "print", _("Phát tài liệu in")
    PRESS_ARTICLE = "press", _("Bài báo, phóng sự")
    OTHER = "other", _("Khác")


# Audience counts: numbers only, never a child's name or any personal data.
AUDIENCE_FIELDS: tuple[tuple[str, str], ...] = (
    ("children_under_6", "Trẻ em dưới 6 tuổi"),
    ("children_6_10", "Trẻ em 6–10 tuổi"),
    ("children_11_15", "Trẻ em 11–15 tuổi"),
    ("children_16_17", "Thanh thiếu niên 16–17 tuổi"),
    ("parents", "Cha mẹ, người chăm sóc trẻ"),
    ("teachers", "Giáo viên"),
    ("others", "Đối tượng khác"),
)


class ActivityReport(models.Model):
    """One activity a recipient unit held in answer to a dispatch: draft → submitted → approved."""

    scope_lookups: ClassVar[tuple[str, ...]] = ("unit__path",)

    class Status(models.TextChoices):
        DRAFT = "draft", _("Nháp")
        SUBMITTED = "submitted", _("Đã nộp, chờ duyệt")
        APPROVED = "approved", _("Đã duyệt")
        RETURNED = "returned", _("Trả lại để bổ sung")

    delivery = models.ForeignKey(
        Delivery, models.CASCADE, related_name="reports", verbose_name=_("công văn đã nhận")
    )
    unit = models.ForeignKey(OrgUnit, models.PROTECT, related_name="reports", verbose_name=_("đơn vị"))
    kind = models.CharField(_("hình thức"), max_length=12, choices=ActivityKind.choices)
    held_on = models.DateField(_("ngày thực hiện"))
    title = models.CharField(_("tên hoạt động"), max_length=200)
    description = models.TextField(_("mô tả ngắn"), blank=True)
    children_under_6 = models.PositiveIntegerField(_("trẻ em dưới 6 tuổi"), default=0)
    children_6_10 = models.PositiveIntegerField(_("trẻ em 6–10 tuổi"), default=0)
    children_11_15 = models.PositiveIntegerField(_("trẻ em 11–15 tuổi"), default=0)
    children_16_17 = models.PositiveIntegerField(_("thanh thiếu niên 16–17 tuổi"), default=0)
    parents = models.PositiveIntegerField(_("cha mẹ, người chăm sóc trẻ"), default=0)
    teachers = models.PositiveIntegerField(_("giáo viên"), default=0)
    others = models.PositiveIntegerField(_("đối tượng khác"), default=0)
    links = models.TextField(_("đường dẫn"), blank=True, help_text=_("Mỗi dòng một đường dẫn http(s)."))
    materials = models.JSONField(_("tài liệu đã dùng"), default=list, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("thời điểm nộp"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("thời điểm duyệt"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_note = models.CharField(_("ý kiến người duyệt"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The form's one-time token: the same form sent again (after an outage, a double click) adds nothing.
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = (
            "-held_on",
            "-pk",
        )
        indexes = (models.Index(fields=("status", "unit")),)
        verbose_name = _("báo cáo hoạt động")
        verbose_name_plural = _("báo cáo hoạt động")

    def __str__(self) -> str:
        return f"{self.unit}: {self.title} ({self.held_on:%d/%m/%Y})"

    @property
    def reached(self) -> int:
        """Return the number of people reached, all audiences together."""
        return sum(int(getattr(self, name)) for name, _label in AUDIENCE_FIELDS)

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def submitted_on(self) -> date | None:
        return timezone.localdate(self.submitted_at) if self.submitted_at else None

    def link_lines(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]


def _evidence_path(photo: EvidencePhoto, filename: str) -> str:
    return f"evidence/{timezone.now():%Y/%m}/{filename}"


class EvidencePhoto(models.Model):
    """A re-encoded evidence photo; internal unless consent to publish has been recorded."""

    scope_lookups: ClassVar[tuple[str, ...]] = ("report__unit__path",)

    report = models.ForeignKey(
        ActivityReport, models.CASCADE, related_name="photos", verbose_name=_("báo cáo")
    )
    image = models.FileField(upload_to=_evidence_path)
    thumbnail = models.FileField(upload_to=_evidence_path)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    caption = models.CharField(_("chú thích"), max_length=200, blank=True)

    class Publication(models.TextChoices):
        INTERNAL = "internal", _("Nội bộ")
        PUBLISHABLE = "publishable", _("Được phép công bố")

    consent_recorded = models.BooleanField(
        _("đã có đồng ý công bố"),
        default=False,
        help_text=_("Chỉ đánh dấu khi có đồng ý bằng văn bản của cha mẹ (và của trẻ từ 7 tuổi)."),
    )
    # Internal by default; "publishable" is only ever set together with a complete PhotoConsent.
    publication = models.CharField(
        _("phạm vi sử dụng"), max_length=12, choices=Publication.choices, default=Publication.INTERNAL
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("pk",)
        verbose_name = _("ảnh minh chứng")
        verbose_name_plural = _("ảnh minh chứng")

    def __str__(self) -> str:
        return f"Ảnh {self.pk} — {self.report}"

    @property
    def may_be_published(self) -> bool:
        """Return whether the photo may leave the app (Facebook, Zalo, the press): marked publishable
        and backed by a complete consent record."""
        consent = getattr(self, "consent", None)
        return self.publication == self.Publication.PUBLISHABLE and consent is not None and consent.complete


class PhotoConsent(models.Model):
    """The consent behind publishing one evidence photo (Law on Children Art. 6.11, Decree 56/2017
    Art. 33): of a parent or guardian for every identifiable child, and of the child too from age 7.

    No names are kept here: the signed form stays with the unit, and `form_reference` points to it.
    """

    scope_lookups: ClassVar[tuple[str, ...]] = ("photo__report__unit__path",)

    photo = models.OneToOneField(
        EvidencePhoto, models.CASCADE, related_name="consent", verbose_name=_("ảnh minh chứng")
    )
    shows_children = models.BooleanField(
        _("ảnh có trẻ em nhận diện được"),
        default=True,
        help_text=_("Mặt hoặc đặc điểm nhận ra được một trẻ."),
    )
    parent_consent = models.BooleanField(_("cha mẹ hoặc người giám hộ đã đồng ý bằng văn bản"), default=False)
    child_aged_7_or_over = models.BooleanField(_("có trẻ từ đủ 7 tuổi trở lên"), default=False)
    child_consent = models.BooleanField(_("trẻ từ đủ 7 tuổi đã đồng ý"), default=False)
    form_reference = models.CharField(
        _("số, ký hiệu giấy đồng ý"),
        max_length=100,
        help_text=_("Giấy đồng ý có chữ ký lưu tại đơn vị; không ghi tên trẻ ở đây."),
    )
    consented_on = models.DateField(_("ngày đồng ý"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("người ghi nhận"),
    )
    recorded_at = models.DateTimeField(_("thời điểm ghi nhận"), auto_now=True)

    class Meta:
        verbose_name = _("đồng ý công bố ảnh")
        verbose_name_plural = _("đồng ý công bố ảnh")

    def __str__(self) -> str:
        return f"Đồng ý công bố ảnh {self.photo_id} ({self.form_reference})"

    @property
    def complete(self) -> bool:
        """Return whether the record allows publishing: the parents' consent for an identifiable
        child, and the child's own from age 7, on a referenced form."""
        if not self.form_reference.strip() or self.consented_on is None:
            return False
        if not self.shows_children:
            return True
        return self.parent_consent and (self.child_consent or not self.child_aged_7_or_over)
