"""The small exception tree every Loa command turns into a one-line message."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class LoaError(Exception):
    """A problem the user can fix; the CLI prints it without a traceback and exits 1."""


@dataclass(frozen=True)
class Location:
    """Where in a campaign source a problem was found."""

    file: Path
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else str(self.file)


@dataclass(frozen=True)
class Diagnostic:
    """One finding of the reader or the lint: `file:line: field: what is wrong — how to fix`."""

    location: Location
    field: str
    message: str
    fix: str = ""
    severity: str = "error"  # "error" or "warning"
    code: str = ""

    def __str__(self) -> str:
        field = f" {self.field}:" if self.field else ""
        fix = f" — {self.fix}" if self.fix else ""
        return f"{self.location}:{field} {self.message}{fix}"


class CampaignError(LoaError):
    """The campaign source has errors; each one is located."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(str(d) for d in diagnostics))


class ConfigError(LoaError):
    """loa.yaml or an environment override is wrong."""


class BuildError(LoaError):
    """A renderer or the writer failed; the previous output is left untouched."""
