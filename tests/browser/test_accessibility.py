"""axe-core finds no serious or critical WCAG 2.2 AA problem on the portal, desktop or mobile."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from portal_harness import DESKTOP, MOBILE, wait_for_fonts

pytestmark = pytest.mark.browser

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = {
    "home": "",
    "topic": "chu-de/giu-kin-dia-chi/",
    "audience": "doi-tuong/cha-me/",
    "help": "tro-giup/",
    "downloads": "tai-ve/",
    "search": f"tim-kiem/?q={quote('điện thoại')}",
    "quiz": "cau-do/tre-11-15/",
}
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 160),
                              summary: n.failureSummary}))}));
}"""


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        lines += [f"    {n['target']}: {n['html']}\n      {n['summary']}" for n in v["nodes"][:8]]
    return "\n".join(lines)


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"], indirect=True)
@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_serious_accessibility_violations(
    axe_script: Path, page: Any, base_url: str, name: str
) -> None:
    page.goto(base_url + PAGES[name])
    if name == "search":
        page.wait_for_selector(".pagefind-ui__result-link", timeout=10_000)
    if name == "quiz":  # check the page with feedback showing, not only untouched
        page.locator("input[type=radio]").first.check()
    wait_for_fonts(page)
    page.add_script_tag(path=str(axe_script))
    violations = page.evaluate(RUN_AXE, TAGS)
    blocking = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not blocking, f"axe trên {name}:\n{describe(blocking)}\n(khác:\n{describe(violations)})"
