"""`loa web purge_evidence`: delete evidence photos past the retention period, with their files."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from loa.web.reports import retention


class Command(BaseCommand):
    help = (
        "Xóa ảnh minh chứng quá thời hạn lưu trữ (LOA_EVIDENCE_RETENTION_DAYS) cùng mọi tệp sinh ra từ ảnh, "
        "rồi kiểm tra lại. Chạy hằng ngày bằng cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Chỉ đếm và liệt kê, không xóa gì.")
        parser.add_argument("--days", type=int, help="Thời hạn lưu trữ (ngày), thay cho cấu hình.")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is not None and days < 1:
            raise CommandError("--days phải từ 1 trở lên.")
        before = retention.cutoff(days=days)
        result = retention.purge(before=before, dry_run=options["dry_run"])
        when = f"{before:%d/%m/%Y %H:%M}"
        if options["dry_run"]:
            self.stdout.write(
                f"Chạy thử: {result.photos} ảnh tải lên trước {when} ({len(result.files)} tệp) và "
                f"{len(result.orphans)} tệp không còn dùng sẽ bị xóa. Chưa xóa gì."
            )
            for name in result.files + result.orphans:
                self.stdout.write(f"  {name}")
            return
        self.stdout.write(
            f"Đã xóa {result.photos} ảnh tải lên trước {when} ({len(result.files)} tệp) và "
            f"{len(result.orphans)} tệp không còn dùng. Kiểm tra lại: còn {result.remaining}."
        )
        if result.remaining:
            raise CommandError(f"Còn {result.remaining} ảnh hoặc tệp quá hạn chưa xóa được — chạy lại lệnh.")
