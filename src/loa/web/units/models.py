"""OrgUnit (a node of the tree), UnitGroup (recipients chosen together) and UnitChange (history)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Tỉnh, thành phố")
    COMMUNE = "commune", _("Xã")
    WARD = "ward", _("Phường")
    SPECIAL_ZONE = "special_zone", _("Đặc khu")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    POLICE = "police", _("Công an")
    SCHOOL = "school", _("Trường học")
    PRESS = "press", _("Báo chí")
    BROADCASTER = "broadcaster", _("Phát thanh, truyền hình")
    PORTAL = "portal", _("Cổng thông tin điện tử")
    BUSINESS = "business", _("Doanh nghiệp")
    CULTURE_CENTRE = "culture_centre", _("Trung tâm văn hóa")
    SOCIAL_ORG = "social_org", _("Tổ chức chính trị - xã hội")
    OTHER = "other", _("Khác")


TERRITORIAL_KINDS = (UnitKind.PROVINCE, UnitKind.COMMUNE, UnitKind.WARD, UnitKind.SPECIAL_ZONE)
COMMUNE_KINDS = (UnitKind.COMMUNE, UnitKind.WARD, UnitKind.SPECIAL_ZONE)


class SchoolLevel(models.TextChoices):
    PRESCHOOL = "mam-non", _("Mầm non")
    PRIMARY = "tieu-hoc", _("Tiểu học")
    LOWER_SECONDARY = "thcs", _("Trung học cơ sở")
    UPPER_SECONDARY = "thpt", _("Trung học phổ thông")
    MULTI_LEVEL = "lien-cap", _("Liên cấp")


class OrgUnit(models.Model):
    """A province, a commune/ward/special zone, or an organisation placed under one of them."""

    scope_lookups: ClassVar[tuple[str, ...]] = ("path",)

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20, choices=UnitKind.choices)
    school_level = models.CharField(_("cấp học"), max_length=10, choices=SchoolLevel.choices, blank=True)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("trực thuộc")
    )
    # "/<pk of province>/<pk of commune>/<pk>/": a subtree is one indexed prefix query on any database.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=1, editable=False)
    email = models.EmailField(_("thư điện tử"), blank=True)
    active = models.BooleanField(_("đang hoạt động"), default=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    class Meta:
        ordering = ("path",)
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.pk:
            super().save(*args, **kwargs)
            kwargs = {}
        path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        moved = self.path not in ("", path)
        old_path, self.path, self.depth = self.path, path, path.count("/") - 1
        asked = kwargs.get("update_fields")
        named = list(asked) if isinstance(asked, list | tuple | set | frozenset) else self._field_names()
        super().save(update_fields=["path", "depth", *named])
        if moved:
            self._move_descendants(old_path)

    def _field_names(self) -> list[str]:
        return [f.attname for f in self._meta.concrete_fields if not f.primary_key]

    def _move_descendants(self, old_path: str) -> None:
        for child in OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
            child.path = self.path + child.path[len(old_path) :]
            child.depth = child.path.count("/") - 1
            OrgUnit.objects.filter(pk=child.pk).update(path=child.path, depth=child.depth)

    @property
    def is_territorial(self) -> bool:
        return self.kind in TERRITORIAL_KINDS

    @property
    def ancestor_ids(self) -> list[int]:
        """Return the primary keys from the root down to this unit."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    @property
    def place_name(self) -> str:
        """Return the name used in a document's place-date line ("Tây Ninh", "Hà Nội")."""
        for prefix in ("Thành phố ", "Tỉnh ", "Xã ", "Phường ", "Đặc khu "):
            if self.name.startswith(prefix):
                return self.name[len(prefix) :]
        return self.name

    def contains(self, other: OrgUnit) -> bool:
        """Return whether another unit is this one or lies below it."""
        return other.path.startswith(self.path)


class UnitGroup(models.Model):
    """A set of recipients chosen together: units of some kinds under a root, plus named members."""

    scope_lookups: ClassVar[tuple[str, ...]] = ("within__path",)

    name = models.CharField(_("tên nhóm"), max_length=200)
    slug = models.SlugField(_("mã nhóm"), max_length=60, unique=True)
    within = models.ForeignKey(
        OrgUnit, models.CASCADE, related_name="groups_rooted", verbose_name=_("trong phạm vi")
    )
    kinds = models.JSONField(_("loại đơn vị"), default=list, blank=True)
    school_levels = models.JSONField(_("cấp học"), default=list, blank=True)
    members = models.ManyToManyField(
        OrgUnit, blank=True, related_name="unit_groups", verbose_name=_("thành viên")
    )

    class Meta:
        ordering = ("name",)
        verbose_name = _("nhóm đơn vị")
        verbose_name_plural = _("nhóm đơn vị")

    def __str__(self) -> str:
        return self.name

    def resolve(self) -> models.QuerySet[OrgUnit]:
        """Return the active units of the group: matching kinds under its root, plus its members."""
        matching = models.Q(pk__in=self.members.values("pk"))
        if self.kinds:
            by_kind = models.Q(path__startswith=self.within.path, kind__in=self.kinds)
            if self.school_levels:
                by_kind &= models.Q(school_level__in=self.school_levels)
            matching |= by_kind
        return OrgUnit.objects.filter(matching, active=True).order_by("path")


class UnitChange(models.Model):
    """One event in a unit's history: renamed, merged into another, moved, created or dissolved."""

    scope_lookups: ClassVar[tuple[str, ...]] = ("unit__path",)

    class Kind(models.TextChoices):
        CREATED = "created", _("Thành lập")
        RENAMED = "renamed", _("Đổi tên")
        MERGED = "merged", _("Sáp nhập")
        MOVED = "moved", _("Chuyển trực thuộc")
        DISSOLVED = "dissolved", _("Giải thể")

    unit = models.ForeignKey(OrgUnit, models.CASCADE, related_name="history", verbose_name=_("đơn vị"))
    kind = models.CharField(_("thay đổi"), max_length=12, choices=Kind.choices)
    on = models.DateField(_("ngày hiệu lực"))
    old_name = models.CharField(_("tên cũ"), max_length=200, blank=True)
    new_name = models.CharField(_("tên mới"), max_length=200, blank=True)
    successor = models.ForeignKey(
        OrgUnit,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("đơn vị kế thừa"),
    )
    basis = models.CharField(_("căn cứ"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = (
            "-on",
            "-pk",
        )
        verbose_name = _("lịch sử đơn vị")
        verbose_name_plural = _("lịch sử đơn vị")

    def __str__(self) -> str:
        return f"{self.unit}: {self.get_kind_display()} ({self.on:%d/%m/%Y})"
