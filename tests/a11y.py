"""What the accessibility tests share: axe-core, the npm package, run in a Playwright page.

axe-core comes from lab/node_modules (lab/package.json's devDependencies, installed by the Lab's
`npm ci`), injected into the page from the file: no network. Its rules at the WCAG 2.1 A and AA tags."""

from pathlib import Path

LAB = Path(__file__).resolve().parent.parent / "lab"
AXE = LAB / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


def axe_violations(page, tags=WCAG_21_AA, context: str = "document") -> list[dict]:
    """axe's violations on the page as it is now: [{id, impact, help, nodes}] (the first few selectors)."""
    if not AXE.exists():
        from lab.build import npm_install

        npm_install()
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """([tags, context]) => axe.run(context === "document" ? document : document.querySelector(context),
             {runOnly: {type: "tag", values: tags}})
           .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
             nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + ": " + n.failureSummary)})))""",
        [list(tags), context],
    )
