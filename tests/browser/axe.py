"""Run axe-core (the npm package, see package.json) in a Playwright page.

axe is evaluated through the DevTools protocol (`page.evaluate`), which the page's
Content-Security-Policy does not govern, so the pages are checked with their real strict CSP
in force (no `bypass_csp`). Without `node_modules/axe-core` (no npm, `make install` not run)
the callers skip, and fail under CI=true.
"""

import json
from functools import cache
from pathlib import Path

from playwright.sync_api import Page

from tests.conftest import REQUIRED, require

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}

RUN = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({
      target: n.target.map(String),
      html: n.html,
      summary: n.failureSummary,
    })),
  }));
}"""


@cache
def axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def require_axe() -> None:
    require(
        AXE_JS.exists(), f"axe-core is not installed ({AXE_JS}): run `make install` (needs npm)"
    )


def violations(page: Page) -> list[dict]:
    """Every WCAG 2.0/2.1 A and AA violation axe finds on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    return page.evaluate(RUN, WCAG_TAGS)


def blocking(found: list[dict]) -> list[dict]:
    return [violation for violation in found if violation["impact"] in BLOCKING]


def describe(where: str, found: list[dict]) -> str:
    lines = []
    for violation in found:
        lines.append(f"{where}: [{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(node['target'])}  {node['html'][:160]}")
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


def assert_no_serious_violations(page: Page, where: str) -> list[dict]:
    """Fail with every serious/critical violation (id, help, nodes); return all found."""
    found = violations(page)
    serious = blocking(found)
    assert not serious, "axe-core found serious or critical violations:\n" + describe(
        where, serious
    )
    return found


def dump(path: Path, report: dict) -> None:
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")


def assert_no_serious_violations_if_installed(page: Page, where: str) -> None:
    """The axe check inside a test about something else: without axe-core the rest of that
    test still runs (under CI=true a missing axe-core fails it instead)."""
    if AXE_JS.exists() or REQUIRED:
        require_axe()
        assert_no_serious_violations(page, where)
