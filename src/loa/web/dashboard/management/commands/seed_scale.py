"""`loa web seed_scale`: a national-scale data set (34 provinces, 3,321 communes, 50,000 units,
1,000,000 activity reports) in an empty database, to measure the dashboard."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from loa.web.dashboard.seeding import SeedError, Sizes, seed


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mẫu cấp quốc gia (34 tỉnh, các xã, đơn vị, một công văn, báo cáo hoạt động, "
        "kết quả câu đố) trong một cơ sở dữ liệu trống, để đo tốc độ trang chỉ số."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--communes", type=int, default=3321, help="Số xã, phường, đặc khu (tối đa 3.321)."
        )
        parser.add_argument("--units", type=int, default=50_000, help="Tổng số đơn vị.")
        parser.add_argument("--activities", type=int, default=1_000_000, help="Số báo cáo hoạt động.")
        parser.add_argument(
            "--quiz-results", type=int, default=None, help="Số kết quả câu đố (mặc định: 1/5 số báo cáo)."
        )
        parser.add_argument(
            "--seed", type=int, default=830, help="Hạt giống ngẫu nhiên (cùng số, cùng dữ liệu)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sizes = Sizes(
            communes=options["communes"],
            units=options["units"],
            activities=options["activities"],
            quiz_results=options["quiz_results"]
            if options["quiz_results"] is not None
            else options["activities"] // 5,
        )
        started = time.monotonic()
        try:
            done = seed(sizes, rng_seed=options["seed"])
        except SeedError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tạo {done.units:,} đơn vị, {done.deliveries:,} nơi nhận công văn "
                f"{done.dispatch.number_and_symbol}, {done.reports:,} báo cáo hoạt động, "
                f"{done.quiz_results:,} kết quả câu đố trong {time.monotonic() - started:.1f} giây. "
                f"Người dùng: {done.national_admin.username} (quản trị toàn quốc), "
                f"{done.provincial_leader.username} (lãnh đạo {done.province.name}); đặt mật khẩu bằng "
                "`loa web changepassword <tên>`."
            )
        )
