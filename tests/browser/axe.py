"""axe-core in the browser tests: WCAG 2.1 A and AA rules on the page as it is now.

axe is loaded from the portal's own static files (static/vendor/axe-core/), as a script of the
page's origin, so the Content-Security-Policy allows it like the portal's own scripts.
"""

from __future__ import annotations

from typing import Any

AXE_URL = "/static/vendor/axe-core/axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}


def axe_violations(page: Any, base_url: str) -> list[dict[str, Any]]:
    """The serious and critical violations axe finds on the current page."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=base_url + AXE_URL)
    result = page.evaluate(
        """(tags) => window.axe.run(document, {runOnly: {type: "tag", values: tags}})""",
        WCAG_21_AA,
    )
    return [v for v in result["violations"] if v.get("impact") in FAILING_IMPACTS]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines += [f"    {target}" for target in targets]
        summary = violation["nodes"][0].get("failureSummary", "") if violation["nodes"] else ""
        lines += [f"    {line}" for line in summary.splitlines()[:3]]
    return "\n".join(lines)


def assert_accessible(page: Any, base_url: str) -> None:
    violations = axe_violations(page, base_url)
    assert not violations, f"axe on {page.url}:\n" + describe(violations)


def horizontal_overflow(page: Any) -> int:
    """How many CSS pixels the page scrolls sideways (0: it fits the viewport)."""
    return int(
        page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )


def widest_elements(page: Any, limit: int = 5) -> list[str]:
    """The elements that reach furthest past the right edge of the viewport, for a message."""
    return list(
        page.evaluate(
            """(limit) => [...document.querySelectorAll("body *")]
                 .map((el) => [el, el.getBoundingClientRect().right])
                 .filter(([, right]) => right > document.documentElement.clientWidth + 1)
                 .sort((a, b) => b[1] - a[1]).slice(0, limit)
                 .map(([el, right]) => `${el.tagName.toLowerCase()}.${el.className} ${right}px`)""",
            limit,
        )
    )
