"""`loa web send_reminders`: e-mail units that have not reported, escalating to the parent unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from loa.web.dispatches.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Gửi thư nhắc các đơn vị chưa báo cáo: từ N ngày trước hạn; sau hạn M ngày thì báo đơn vị cấp trên. "
        "Chạy nhiều lần trong ngày chỉ gửi một lần."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--before", type=int, default=3, help="nhắc từ bao nhiêu ngày trước hạn (mặc định 3)"
        )
        parser.add_argument(
            "--escalate-after", type=int, default=7, help="báo cấp trên sau hạn bao nhiêu ngày (mặc định 7)"
        )
        parser.add_argument("--today", type=dt.date.fromisoformat, help="ngày tính (YYYY-MM-DD), để thử")
        parser.add_argument("--dry-run", action="store_true", help="chỉ đếm, không gửi")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["before"] < 0 or options["escalate_after"] < 0:
            self.stderr.write("--before và --escalate-after phải là số ngày không âm.")
            raise SystemExit(2)
        outcome = send_reminders(
            today=options["today"] or timezone.localdate(),
            before_days=options["before"],
            escalate_after_days=options["escalate_after"],
            dry_run=options["dry_run"],
        )
        s = outcome.sent
        self.stdout.write(
            f"{'Sẽ gửi' if options['dry_run'] else 'Đã gửi'}: {s['upcoming']} nhắc sắp đến hạn, "
            f"{s['overdue']} nhắc quá hạn, {s['escalated']} báo cấp trên; "
            f"{outcome.already} đã gửi hôm nay; {outcome.no_address} đơn vị không có địa chỉ thư."
        )
