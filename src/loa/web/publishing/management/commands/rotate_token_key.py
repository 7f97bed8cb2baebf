"""`loa web rotate_token_key`: re-encrypt every stored token with the newest LOA_TOKEN_KEY."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from loa.web.publishing.flows import rotate_keys


class Command(BaseCommand):
    help = "Mã hóa lại mọi token đã lưu bằng khóa mới (LOA_TOKEN_KEY=khóa-mới,khóa-cũ); in N/N."

    def handle(self, *args: Any, **options: Any) -> None:
        done, total = rotate_keys()
        self.stdout.write(f"Đã mã hóa lại {done}/{total} token bằng khóa mới.")
        if done != total:
            raise CommandError(f"{total - done} token chưa mã hóa lại được — kiểm tra LOA_TOKEN_KEY")
