"""Write one benchmark's section of benchmarks/RESULTS.md, leaving the other sections as they are."""

from __future__ import annotations

import platform
import re
from collections.abc import Callable
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")
HEADER = "# Benchmark results\n\nEach section says the command that reproduces it. Figures are wall-clock times.\n"


def write_section(name: str, markdown: str) -> None:
    """Replace (or append) the section delimited by markers for `name`."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else HEADER
    block = f"<!-- begin:{name} -->\n{markdown.strip()}\n<!-- end:{name} -->"
    pattern = re.compile(rf"<!-- begin:{re.escape(name)} -->.*?<!-- end:{re.escape(name)} -->", re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def compile_loa() -> None:
    """Compile Loa's modules to bytecode, as pip does when it installs a package: an editable install
    run under PYTHONDONTWRITEBYTECODE would otherwise compile them from source in every command."""
    import compileall

    import loa

    compileall.compile_dir(Path(loa.__file__).parent, quiet=1)


def machine() -> str:
    """Return a one-line description of the machine the figures come from, with what it measured
    of its own speed just now: machines of one kind differ (and one machine from hour to hour), and
    these say by how much, to compare figures taken on different days."""
    import os

    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; {calibration()}"
    )


def calibration() -> str:
    """Return this machine's speed at three simple things, best of three: copying memory, SHA-256 in
    OpenSSL, and a Python loop (one core each)."""
    import hashlib
    import time

    size = 64 << 20
    source = b"\x5a" * size
    target = bytearray(size)

    def best(work: Callable[[], object]) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
        return min(times)

    def copy() -> None:
        target[:] = source

    copy_s = best(copy)
    sha_s = best(lambda: hashlib.sha256(source).digest())
    loop_s = best(lambda: sum(range(10_000_000)))
    return (
        f"this machine just now: memory copy {size / copy_s / 1e9:.1f} GB/s, "
        f"SHA-256 {size / sha_s / 1e6:.0f} MB/s, a Python loop {loop_s / 1e7 * 1e9:.0f} ns per step"
    )
