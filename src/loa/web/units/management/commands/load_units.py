"""`loa web load_units`: the 34 provinces, one province's communes (Tây Ninh by default), or a CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from loa.web.units.divisions import load_divisions
from loa.web.units.flows import import_units_csv

TAY_NINH = "80"


class Command(BaseCommand):
    help = (
        "Nạp 34 tỉnh, thành phố và các xã, phường, đặc khu của một tỉnh (mặc định: Tây Ninh), "
        "hoặc một tệp CSV."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province",
            action="append",
            default=None,
            help="Mã tỉnh có nạp xã (mặc định: 80 = Tây Ninh); lặp lại để nạp nhiều tỉnh.",
        )
        parser.add_argument("--all", action="store_true", help="Nạp cả 3.321 xã, phường, đặc khu.")
        parser.add_argument(
            "--csv", type=Path, help="Tệp CSV: code,name,kind,parent_code,school_level,email."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["csv"]:
            self._import_csv(options["csv"])
            return
        wanted = None if options["all"] else set(options["province"] or [TAY_NINH])
        created, updated = load_divisions(communes_of=wanted)
        self.stdout.write(self.style.SUCCESS(f"Đã nạp đơn vị hành chính: {created} mới, {updated} đã có."))

    def _import_csv(self, path: Path) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: không đọc được ({exc}) — cần tệp CSV mã hóa UTF-8") from None
        result = import_units_csv(text)
        if result.errors:
            raise CommandError(
                "\n".join(f"{path}:{e}" for e in result.errors) + "\nChưa ghi gì vào cơ sở dữ liệu."
            )
        self.stdout.write(
            self.style.SUCCESS(f"{path}: {result.created} đơn vị mới, {result.updated} cập nhật.")
        )
