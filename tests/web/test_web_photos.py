"""Evidence photos: metadata and GPS never survive; fake, polyglot, oversized and bomb files are
refused with a clear 4xx (never a 500), and nothing is stored for them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from factories import create_dispatch, create_report, create_user, sample_jpeg, sign_in
from PIL import Image

from loa.web.access.models import Role
from loa.web.reports.models import EvidencePhoto
from loa.web.reports.photos import PhotoRejected, sanitize_photo

MAX = 2 * 1024 * 1024


def _png(size=(64, 64)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, "PNG")
    return out.getvalue()


def test_exif_and_gps_are_removed_and_the_picture_is_kept() -> None:
    original = sample_jpeg()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the test photo has GPS
    clean = sanitize_photo(original, max_bytes=MAX)
    image = Image.open(io.BytesIO(clean.data))
    assert dict(image.getexif()) == {} and "exif" not in image.info and "icc_profile" not in image.info
    assert b"Test camera" not in clean.data and b"Exif" not in clean.data
    assert (clean.width, clean.height) == (640, 480)
    assert max(Image.open(io.BytesIO(clean.thumbnail)).size) <= 360


def test_the_camera_orientation_is_applied_before_the_exif_is_dropped() -> None:
    image = Image.new("RGB", (200, 100), "blue")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° to display
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    clean = sanitize_photo(out.getvalue(), max_bytes=MAX)
    assert (clean.width, clean.height) == (100, 200)


def test_png_comments_and_large_photos_are_cleaned_and_scaled() -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "toa do 10.5,106.1")
    out = io.BytesIO()
    Image.new("RGB", (4000, 3000), "green").save(out, "PNG", pnginfo=info)
    clean = sanitize_photo(out.getvalue(), max_bytes=10 * MAX)
    assert b"toa do" not in clean.data and max(clean.width, clean.height) == 2560


def _zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("x.php", "<?php echo 1; ?>")
    return out.getvalue()


BAD_FILES = {
    "a text file named .jpg": (b"day khong phai anh\n" * 50, "không phải ảnh"),
    "an HTML page named .jpg": (b"<html><script>alert(1)</script></html>", "không phải ảnh"),
    "an SVG with a script": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "không phải ảnh",
    ),
    "a JPEG with a ZIP appended (polyglot)": (sample_jpeg(gps=False) + _zip_bytes(), "nội dung ẩn"),
    "a JPEG with a script after its end": (
        sample_jpeg(gps=False) + b"<script>alert(1)</script>",
        "nội dung ẩn",
    ),
    "a JPEG with PHP in its comment": (None, "nội dung ẩn"),
    "a PNG with data after IEND": (_png() + b"MZ\x90\x00trailing", "dữ liệu lạ"),
    "a truncated JPEG": (sample_jpeg(gps=False)[:-300], "cắt cụt"),
    "a JPEG header and garbage": (
        b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8 + b"\xff\xd9",
        "Không đọc được ảnh",
    ),
    "an empty file": (b"", "không phải ảnh"),
}


def _php_comment_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32)).save(out, "JPEG", comment=b"<?php system($_GET['c']); ?>")
    return out.getvalue()


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_files_are_rejected_with_a_reason(name: str) -> None:
    data, reason = BAD_FILES[name]
    with pytest.raises(PhotoRejected, match=reason):
        sanitize_photo(data if data is not None else _php_comment_jpeg(), max_bytes=MAX)


def test_an_oversized_file_is_rejected_before_it_is_decoded() -> None:
    with pytest.raises(PhotoRejected, match="quá lớn"):
        sanitize_photo(b"\xff\xd8\xff" + b"\0" * (MAX + 1), max_bytes=MAX)


def test_a_decompression_bomb_is_rejected() -> None:
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, "PNG")  # 144 million pixels in a few kilobytes
    with pytest.raises(PhotoRejected, match="quá nhiều điểm ảnh"):
        sanitize_photo(out.getvalue(), max_bytes=MAX)


def test_an_animated_image_is_rejected() -> None:
    out = io.BytesIO()
    frames = [Image.new("RGB", (32, 32), c) for c in ("red", "blue")]
    frames[0].save(out, "WEBP", save_all=True, append_images=frames[1:])
    with pytest.raises(PhotoRejected, match="nhiều khung hình"):
        sanitize_photo(out.getvalue(), max_bytes=MAX)


@pytest.mark.django_db
@pytest.mark.parametrize("name", [*BAD_FILES, "oversized"])
def test_uploading_a_bad_file_answers_4xx_and_stores_nothing(client, tree, settings, name) -> None:
    settings.LOA_PHOTO_MAX_BYTES = MAX
    reporter = create_user("school", role=Role.REPORTER, unit=tree.school_long_an)
    report = create_report(create_dispatch(tree.issuer, units=[tree.school_long_an]).deliveries.get())
    sign_in(client, reporter)
    if name == "oversized":
        data = sample_jpeg(gps=False) + b"\0" * MAX
    else:
        data = BAD_FILES[name][0] if BAD_FILES[name][0] is not None else _php_comment_jpeg()
    response = client.post(
        reverse("staff:photo-upload", args=[report.pk]),
        {"image": SimpleUploadedFile("anh.jpg", data, content_type="image/jpeg")},
    )
    assert 400 <= response.status_code < 500
    assert response.status_code == (413 if name == "oversized" else 400)
    assert not EvidencePhoto.objects.exists()
    assert "msg-error" in response.content.decode()


@pytest.mark.django_db
def test_a_stored_photo_and_its_thumbnail_carry_no_metadata(client, tree) -> None:
    reporter = create_user("school", role=Role.REPORTER, unit=tree.school_long_an)
    report = create_report(create_dispatch(tree.issuer, units=[tree.school_long_an]).deliveries.get())
    sign_in(client, reporter)
    client.post(
        reverse("staff:photo-upload", args=[report.pk]),
        {"image": SimpleUploadedFile("anh.jpg", sample_jpeg(), content_type="image/jpeg")},
    )
    photo = EvidencePhoto.objects.get()
    assert not photo.consent_recorded  # internal by default
    for field in (photo.image, photo.thumbnail):
        data = field.read()
        assert data.startswith(b"\xff\xd8") and b"Exif" not in data and b"Test camera" not in data
        assert dict(Image.open(io.BytesIO(data)).getexif()) == {}


@pytest.mark.django_db
def test_the_same_photo_sent_twice_is_kept_once(client, tree) -> None:
    reporter = create_user("school", role=Role.REPORTER, unit=tree.school_long_an)
    report = create_report(create_dispatch(tree.issuer, units=[tree.school_long_an]).deliveries.get())
    sign_in(client, reporter)
    for _ in range(2):  # a retry after an outage, or a double click
        client.post(
            reverse("staff:photo-upload", args=[report.pk]),
            {"image": SimpleUploadedFile("anh.jpg", sample_jpeg(), content_type="image/jpeg")},
        )
    assert EvidencePhoto.objects.filter(report=report).count() == 1
    client.post(
        reverse("staff:photo-upload", args=[report.pk]),
        {"image": SimpleUploadedFile("khac.jpg", sample_jpeg(size=(800, 600)), content_type="image/jpeg")},
    )
    assert EvidencePhoto.objects.filter(report=report).count() == 2, "another photo is added"


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux's /proc to read peak memory")
def test_a_40_megapixel_photo_is_cleaned_in_little_memory(tmp_path) -> None:
    """Several uploads may be cleaned at once: a big phone photo must not cost hundreds of MiB."""
    import subprocess
    import sys

    side = (7680, 5120)  # 39.3 megapixels, under MAX_PIXELS
    photo = Image.linear_gradient("L").resize(side).convert("RGB")
    path = tmp_path / "big.jpg"
    photo.save(path, "JPEG", quality=85)
    del photo
    # The peak resident size of a new process (VmHWM; ru_maxrss would start from this one's).
    probe = (
        "import re, sys\n"
        "from loa.web.reports.photos import sanitize_photo\n"
        "peak = lambda: int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1])\n"
        "data = open(sys.argv[1], 'rb').read()\n"
        "before = peak()\n"
        "clean = sanitize_photo(data, max_bytes=50 * 1024 * 1024)\n"
        "print(clean.width, clean.height, (peak() - before) // 1024)\n"
    )
    run = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, check=True)
    width, height, grown_mib = map(int, run.stdout.split())
    assert (width, height) == (2560, 1707), "scaled to the same size as before"
    assert grown_mib < 120, f"cleaning took {grown_mib} MiB more (decoded whole, it took ~300)"
