"""LibreOffice, the office suite most offices here open DOCX and PPTX in: products converted to PDF as
it lays them out, with the brand font made visible to it (as on a machine where the font is installed).
Used by the Office tests and the gallery."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from loa.fonts import font_dir

INSTALL = "apt-get install libreoffice-impress libreoffice-writer"


def soffice() -> str | None:
    """Return LibreOffice's program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def office_pdfs(documents: Iterable[Path], work: Path) -> dict[Path, Path]:
    """Convert DOCX and PPTX files to PDF with LibreOffice; return each one's PDF.

    Documents go in as few runs as their names allow (a run writes `<name>.pdf` into one folder, and
    the tre-6-10.docx of two topics would overwrite each other). Runs share a private profile in
    `work`, one at a time: two runs on one profile at once lose a file silently."""
    program = soffice()
    if program is None:
        raise FileNotFoundError(f"LibreOffice is missing: {INSTALL}")
    fonts = work / "fonts.conf"
    fonts.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f'<include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>{font_dir()}</dir>'
        "</fontconfig>",
        encoding="utf-8",
    )
    runs: list[list[Path]] = []
    for document in documents:
        run = next((r for r in runs if all(d.stem != document.stem for d in r)), None)
        if run is None:
            runs.append(run := [])
        run.append(document)
    profile = f"-env:UserInstallation={(work / 'office-profile').as_uri()}"
    env = os.environ | {"FONTCONFIG_FILE": str(fonts)}
    pdfs: dict[Path, Path] = {}
    for run in runs:
        target = work / "office" / str(len(list(work.glob("office/*"))))
        command = [program, "--headless", profile, "--convert-to", "pdf", "--outdir", str(target)]
        subprocess.run([*command, *map(str, run)], check=True, env=env, capture_output=True, timeout=900)
        for document in run:
            pdf = target / f"{document.stem}.pdf"
            if not pdf.is_file():
                raise RuntimeError(f"LibreOffice made no PDF of {document}")
            pdfs[document] = pdf
    return pdfs


def office_pdf(document: Path, work: Path) -> Path:
    """Return one DOCX or PPTX converted to PDF by LibreOffice."""
    return office_pdfs([document], work)[document]
