"""`loa web demo`: migrate, load Tây Ninh's units, create the example dispatch, users and reports."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from loa.web.staff.demo import create_demo, default_pack


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu: đơn vị Tây Ninh, công văn mẫu, người dùng các vai trò và báo cáo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--pack", default=None, help="Thư mục đã build (có manifest.json) làm bộ tài liệu."
        )
        parser.add_argument(
            "--password", default=None, help="Mật khẩu chung cho người dùng mẫu (mặc định: ngẫu nhiên)."
        )
        parser.add_argument(
            "--no-next-step", action="store_true", help="Không in gợi ý chạy máy chủ (loa up tự chạy)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", verbosity=0, interactive=False)
        pack = options["pack"] if options["pack"] is not None else default_pack(settings.DATA_DIR)
        users, dispatch = create_demo(pack=pack, password=options["password"])
        if dispatch is None:
            self.stdout.write("Dữ liệu mẫu đã có; chỉ đặt lại mật khẩu người dùng mẫu.")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã tạo công văn mẫu số {dispatch.number_and_symbol} "
                    f"gửi {dispatch.deliveries.count()} đơn vị."
                )
            )
        self.stdout.write(f"Bộ tài liệu: {pack or '(chưa có — chạy loa build trước)'}\n\nNgười dùng mẫu:")
        for user in users:
            self.stdout.write(f"  {user.username:15} {user.password:20} {user.role} — {user.unit}")
            if user.totp_secret:
                self.stdout.write(f"  {'':15} mã TOTP (thêm vào ứng dụng xác thực): {user.totp_secret}")
        if not options["no_next_step"]:
            self.stdout.write("\nChạy: loa web runserver — rồi mở http://127.0.0.1:8000/")
