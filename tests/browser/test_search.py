"""Search finds topics whether people type with diacritics or without, "đ" written as "d" too."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser

RESULT_LINK = ".pagefind-ui__result-link"


def result_paths(page: Any) -> list[str]:
    page.wait_for_selector(RESULT_LINK, timeout=10_000)
    paths: list[str] = page.eval_on_selector_all(RESULT_LINK, "els => els.map(e => new URL(e.href).pathname)")
    return paths


@pytest.mark.parametrize(
    ("query", "topic"),
    [
        ("điện thoại", "lua-dao-qua-dien-thoai"),
        ("dien thoai", "lua-dao-qua-dien-thoai"),
        ("địa chỉ", "giu-kin-dia-chi"),
        ("dia chi", "giu-kin-dia-chi"),
        ("dung vo", "lua-dao-qua-dien-thoai"),
    ],
)
def test_search_from_the_address_finds_the_topic(page: Any, base_url: str, query: str, topic: str) -> None:
    page.goto(f"{base_url}tim-kiem/?q={quote(query)}")
    assert f"/chu-de/{topic}/" in result_paths(page)


def test_typing_without_diacritics_in_the_search_box_finds_the_topic(page: Any, base_url: str) -> None:
    page.goto(base_url + "tim-kiem/")
    page.get_by_label("Nhập từ cần tìm").fill("dia chi nha")
    assert "/chu-de/giu-kin-dia-chi/" in result_paths(page)


def test_home_page_search_box_leads_to_results(page: Any, base_url: str) -> None:
    page.goto(base_url)
    page.get_by_label("Tìm nội dung").fill("dien thoai")
    page.get_by_label("Tìm nội dung").press("Enter")
    page.wait_for_url("**/tim-kiem/?q=*")
    assert "/chu-de/lua-dao-qua-dien-thoai/" in result_paths(page)


def test_results_show_the_real_vietnamese_title_not_the_folded_copy(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}tim-kiem/?q={quote('dia chi')}")
    result_paths(page)
    titles = page.locator(RESULT_LINK).all_inner_texts()
    assert "Giữ kín địa chỉ nhà và tên trường" in titles
