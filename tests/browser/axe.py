"""axe-core in the browser tests: the vendored engine (tests/browser/vendor/axe-core, MPL-2.0), no network.

`axe_violations(page)` runs every rule axe-core has (WCAG 2.0/2.1/2.2 A and AA, best practices) on the page as it
stands and returns the violations, each as "rule: target (impact)" so a failure says where to look.
"""

from pathlib import Path

AXE_SOURCE = (Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js").read_text()

# Rules that judge what a test page cannot show: "region" wants every bit of content inside a landmark, which the
# skip link (before <header>) deliberately is not; everything else runs.
DISABLED_RULES = {}


def axe_violations(page) -> list[str]:
    """Inject axe-core (through the DevTools protocol, so the page's CSP does not block it) and run it."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        """async (rules) => {
            const r = await axe.run(document, {resultTypes: ["violations"], rules});
            return r.violations.map(v => ({id: v.id, impact: v.impact,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + (n.failureSummary || "").split("\\n")[1])}));
        }""",
        DISABLED_RULES,
    )
    return [f"{v['id']} ({v['impact']}): {t}" for v in result for t in v["targets"]]
