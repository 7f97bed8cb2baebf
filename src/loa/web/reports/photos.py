"""Evidence photos: check the bytes really are one JPEG, PNG or WebP image, then re-encode them so
no metadata (EXIF, GPS, XMP, ICC, comments) and nothing hidden after the picture survives."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG": b"\xff\xd8\xff", "PNG": b"\x89PNG\r\n\x1a\n", "WEBP": b"RIFF"}
MAX_PIXELS = 40_000_000  # a 12 MP phone photo is well under; a decompression bomb is far over
MAX_SIDE = 2560
THUMB_SIDE = 360
# Markup or archives hidden in an image make it a polyglot: a browser or unzip would see something else.
# Exact-case markers of 5+ bytes, so compressed pixel data practically never matches by chance.
SUSPICIOUS = (
    b"<script",
    b"<SCRIPT",
    b"<Script",
    b"<?php",
    b"<html",
    b"<HTML",
    b"<!DOCTYPE",
    b"<!doctype",
    b"<iframe",
    b"<svg ",
    b"<svg>",
    b"javascript:",
    b"PK\x03\x04\x14\x00",
)
# Long markers are also looked for in any case (<ScRiPt): 7+ bytes keep chance matches negligible.
SUSPICIOUS_ANY_CASE = (b"<script", b"<iframe", b"<!doctype", b"javascript:")
MAX_METADATA_BYTES = 1024 * 1024  # EXIF, XMP, ICC and text together; a camera's is far smaller


class PhotoRejected(ValueError):
    """The upload is not an acceptable photo; the message says why in Vietnamese."""


@dataclass(frozen=True)
class CleanPhoto:
    """A re-encoded JPEG and its thumbnail, with nothing but pixels inside."""

    data: bytes
    thumbnail: bytes
    width: int
    height: int
    sha256: str


def sanitize_photo(data: bytes, *, max_bytes: int) -> CleanPhoto:
    """Return the photo re-encoded without metadata, or raise PhotoRejected with the reason."""
    if len(data) > max_bytes:
        raise PhotoRejected(
            f"Ảnh quá lớn ({len(data) / 1048576:.1f} MB) — tối đa {max_bytes / 1048576:.0f} MB."
        )
    declared = _declared_format(data)
    _refuse_polyglot(data, declared)
    image = _open(data, declared)
    # Keep the orientation the camera meant (the EXIF goes below); in place, like the scaling: a big
    # photo is not copied whole.
    ImageOps.exif_transpose(image, in_place=True)
    if image.mode != "RGB":
        image = image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    clean = Image.frombytes("RGB", image.size, image.tobytes())  # a new image: no info, no ICC, no EXIF
    thumb = clean.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    encoded = _jpeg(clean, quality=85)
    return CleanPhoto(
        encoded, _jpeg(thumb, quality=80), clean.width, clean.height, hashlib.sha256(encoded).hexdigest()
    )


def _declared_format(data: bytes) -> str:
    for name, magic in FORMATS.items():
        if data.startswith(magic) and (name != "WEBP" or data[8:12] == b"WEBP"):
            return name
    raise PhotoRejected("Tệp không phải ảnh JPEG, PNG hoặc WebP — chụp hoặc xuất lại ảnh rồi tải lên.")


def _refuse_polyglot(data: bytes, declared: str) -> None:
    lowered = data.lower()
    if any(m in data for m in SUSPICIOUS) or any(m in lowered for m in SUSPICIOUS_ANY_CASE):
        raise PhotoRejected("Ảnh chứa mã hoặc nội dung ẩn (không phải ảnh thuần) — hãy xuất lại ảnh gốc.")
    trimmed = data.rstrip(b"\0")
    if declared == "JPEG" and not trimmed.endswith(b"\xff\xd9"):
        raise PhotoRejected("Ảnh JPEG có dữ liệu lạ sau phần ảnh (hoặc bị cắt cụt) — hãy xuất lại ảnh gốc.")
    if declared == "PNG":
        end = data.rfind(b"IEND")
        if end < 0 or len(trimmed) != end + 8:  # IEND and its CRC end the file: no more, no less
            raise PhotoRejected(
                "Ảnh PNG có dữ liệu lạ sau phần ảnh (hoặc bị cắt cụt) — hãy xuất lại ảnh gốc."
            )
    if declared == "WEBP" and int.from_bytes(data[4:8], "little") + 8 < len(trimmed):
        raise PhotoRejected("Ảnh WebP có dữ liệu lạ sau phần ảnh — hãy xuất lại ảnh gốc.")


def _open(data: bytes, declared: str) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data), formats=[declared])
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoRejected(
                    f"Ảnh có quá nhiều điểm ảnh ({probe.width}×{probe.height}) — "
                    f"tối đa {MAX_PIXELS // 1_000_000} triệu."
                )
            probe.verify()
            image = Image.open(io.BytesIO(data), formats=[declared])
            if declared == "JPEG":
                # Decoded at 1/2, 1/4 or 1/8 of its size while both sides stay at least MAX_SIDE:
                # the photo is scaled down to MAX_SIDE anyway, and a 40-megapixel one decoded whole
                # takes ~120 MiB per copy.
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))
            image.load()
        except PhotoRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PhotoRejected(
                f"Ảnh có quá nhiều điểm ảnh — tối đa {MAX_PIXELS // 1_000_000} triệu."
            ) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            raise PhotoRejected(
                f"Không đọc được ảnh ({type(exc).__name__}) — tệp hỏng hoặc không phải ảnh."
            ) from None
    if getattr(image, "n_frames", 1) > 1:
        raise PhotoRejected("Ảnh động hoặc nhiều khung hình không được nhận — gửi một ảnh tĩnh.")
    if sum(len(v) for v in image.info.values() if isinstance(v, str | bytes)) > MAX_METADATA_BYTES:
        raise PhotoRejected("Ảnh chứa quá nhiều siêu dữ liệu (chú thích, EXIF) — hãy xuất lại ảnh gốc.")
    return image


def _jpeg(image: Image.Image, *, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()
