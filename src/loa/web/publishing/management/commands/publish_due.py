"""`loa web publish_due`: send the approved posts that wait for their time (run it from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from loa.web.publishing.flows import deliver_due


class Command(BaseCommand):
    help = "Đăng các bài đã duyệt đang chờ đến giờ (Zalo đến giờ hẹn; Facebook khi vào khoảng 30 ngày)."

    def handle(self, *args: Any, **options: Any) -> None:
        done = deliver_due()
        sent = sum(p.state == "sent" for p in done)
        self.stdout.write(f"{sent}/{len(done)} bài chờ đã đăng; còn lại chờ đến giờ hoặc cần xem lỗi.")
