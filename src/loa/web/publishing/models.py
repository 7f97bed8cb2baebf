"""ChannelAccount (a Facebook Page or Zalo OA, tokens encrypted) and Publication (one post, reviewed)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from loa.web.dispatches.models import Dispatch
from loa.web.units.models import OrgUnit


class ChannelKind(models.TextChoices):
    FACEBOOK = "facebook", _("Trang Facebook")
    ZALO = "zalo", _("Zalo OA")


class ChannelAccount(models.Model):
    """A Page or OA an issuer unit publishes to; its tokens are stored encrypted and never shown."""

    scope_lookups: ClassVar[tuple[str, ...]] = ("unit__path",)

    unit = models.ForeignKey(OrgUnit, models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    channel = models.CharField(_("kênh"), max_length=10, choices=ChannelKind.choices)
    name = models.CharField(_("tên hiển thị"), max_length=120)
    target_id = models.CharField(_("mã Trang / mã OA"), max_length=64)
    sealed_tokens = models.BinaryField(editable=False)
    """The tokens as Fernet ciphertext of a JSON object (see `tokens.seal`)."""
    second_approval = models.BooleanField(
        _("cần người duyệt thứ hai"),
        default=False,
        help_text=_("Mỗi bài phải được hai người khác nhau duyệt trước khi đăng."),
    )
    connected_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    connected_at = models.DateTimeField(_("lưu token lúc"), auto_now=True)

    class Meta:
        ordering = ("unit__path", "channel", "name")
        constraints = (
            models.UniqueConstraint(fields=("unit", "channel", "target_id"), name="one_account_per_target"),
        )
        verbose_name = _("tài khoản mạng xã hội")
        verbose_name_plural = _("tài khoản mạng xã hội")

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.name}"

    def __repr__(self) -> str:
        return f"<ChannelAccount {self.pk} {self.channel} {self.target_id} tokens=***>"


class Publication(models.Model):
    """One social post of a campaign build on one account: reviewed, then sent through the outbox."""

    scope_lookups: ClassVar[tuple[str, ...]] = ("account__unit__path",)

    class State(models.TextChoices):
        REVIEW = "review", _("Chờ duyệt")
        SECOND = "second", _("Chờ người duyệt thứ hai")
        PLANNED = "planned", _("Đã duyệt, chờ đến giờ")
        SENDING = "sending", _("Đang gửi")
        SENT = "sent", _("Đã đăng")
        FAILED = "failed", _("Chưa đăng được")
        UNKNOWN = "unknown", _("Chưa rõ, sẽ đối soát")

    account = models.ForeignKey(
        ChannelAccount, models.PROTECT, related_name="publications", verbose_name=_("tài khoản")
    )
    dispatch = models.ForeignKey(
        Dispatch, models.PROTECT, related_name="+", verbose_name=_("công văn (bộ tài liệu)")
    )

    class Kind(models.TextChoices):
        POST = "post", _("Bài đăng")
        BROADCAST = "broadcast", _("Tin truyền thông Zalo")

    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices, default=Kind.POST)
    topic = models.CharField(_("chủ đề"), max_length=120)
    title = models.CharField(_("tiêu đề"), max_length=300, blank=True)
    photos = models.JSONField(_("ảnh thêm"), default=list, blank=True)
    broadcast_topics = models.JSONField(_("chủ đề của tin truyền thông"), default=list, blank=True)
    provinces = models.JSONField(
        _("tỉnh, thành phố nhận tin"), default=list, blank=True, help_text=_("Mã tỉnh 2025 (34 đơn vị).")
    )
    scheduled_at = models.DateTimeField(_("hẹn giờ đăng"), null=True, blank=True)
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.REVIEW)
    post_key = models.CharField(_("khóa trong outbox"), max_length=32, blank=True)
    upstream_id = models.CharField(_("mã trên nền tảng"), max_length=120, blank=True)
    link = models.URLField(_("đường dẫn bài đăng"), max_length=500, blank=True)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    second_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    second_approved_at = models.DateTimeField(_("duyệt lần hai lúc"), null=True, blank=True)
    published_at = models.DateTimeField(_("đăng lúc"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = (models.Index(fields=("state",)),)
        verbose_name = _("bài đăng")
        verbose_name_plural = _("bài đăng")

    def __str__(self) -> str:
        return f"{self.account}: {self.title or self.topic}"

    @property
    def is_awaiting_approval(self) -> bool:
        return self.state in (self.State.REVIEW, self.State.SECOND)

    @property
    def can_retry(self) -> bool:
        return self.state in (self.State.PLANNED, self.State.FAILED, self.State.UNKNOWN)
