"""Accessibility check of the archive's pages: axe-core in headless Debian chromium, lang per text, 320 px width.

    .venv/bin/python bench/a11y/run.py http://127.0.0.1:8000            # the pages of the sample data
    .venv/bin/python bench/a11y/run.py http://127.0.0.1:8000 /A/RES/67/161/zh/ /search/?q=酷刑

Needs `npm install` in bench/a11y (axe-core from the npm registry) and Debian's chromium and chromium-driver
(`apt-get install -y chromium chromium-driver`); selenium drives the browser, and axe.min.js from node_modules
is evaluated in each page through WebDriver (not a <script> tag, which the CSP would rightly refuse).
Every page is audited at 1280 px and at 320 px. Per page it reports:
  - axe violations (WCAG 2.0/2.1/2.2 A and AA rules and best practices) by impact; serious or critical fail;
  - text in the wrong language: a run of Chinese outside any lang="zh…", or an English phrase (three
    words or more) outside any lang="en" (screen readers would read it with the wrong voice);
  - horizontal scrolling at 320 px (WCAG 1.4.10 reflow), with the elements that stick out.
The last line is `a11y pages=… serious=… critical=… lang_problems=… overflow_pages=…`.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # run as a script from anywhere: the project's own modules

from resolutions.tests.browser import CHROMEDRIVER, CHROMIUM, MISSING_CHROMIUM, start_chromium  # noqa: E402

AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
# The pages of sample_data/ (scripts/serve ingests it): every kind of page a reader or curator meets.
DEFAULT_PATHS = (
    "/",
    "/A/HRC/RES/45/32/zh/",
    "/A/RES/67/161/zh/",
    "/A/RES/78/171/en/",
    "/A/RES/67/161/zh/op7",
    "/A/RES/78/171/en/op3",
    "/search/?q=人权理事会",
    "/search/?q=torture&language=en",
    "/search/?q=国家防范机制&group=1",
    "/browse/",
    "/no-such-page/",
    "/admin/login/",
)

# Text nodes the language check reads: Chinese runs, and English phrases of three words or more.
LANGUAGE_SCRIPT = r"""
const problems = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const cjk = /[\u3400-\u9fff\uf900-\ufaff]{2,}/;
const english = /\b[A-Za-z][a-z]+(?:[ ,'’-]+[A-Za-z][a-z]+){2,}\b/;
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const parent = node.parentElement;
  if (!parent || parent.closest('script, style, noscript, [hidden], [aria-hidden="true"]')) continue;
  const text = node.textContent.replace(/\s+/g, ' ').trim();
  if (!text) continue;
  const holder = parent.closest('[lang]');
  const lang = holder ? holder.getAttribute('lang').toLowerCase() : '';
  const where = parent.tagName.toLowerCase() + (parent.className ? '.' + String(parent.className).split(' ')[0] : '');
  if (cjk.test(text) && !lang.startsWith('zh')) problems.push({expected: 'zh', lang, where, text: text.slice(0, 60)});
  else if (!cjk.test(text) && english.test(text) && !lang.startsWith('en')) problems.push({expected: 'en', lang, where, text: text.slice(0, 60)});
}
return problems;
"""

OVERFLOW_SCRIPT = r"""
const width = document.documentElement.clientWidth;
const wide = [];
for (const el of document.body.querySelectorAll('*')) {
  const box = el.getBoundingClientRect();
  if (box.width && box.right > width + 1 && getComputedStyle(el).position !== 'fixed') {
    wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + String(el.className).split(' ')[0] : '') + ' right=' + Math.round(box.right));
  }
}
return {scrollWidth: document.documentElement.scrollWidth, clientWidth: width, wide: wide.slice(0, 8)};
"""


@dataclass
class PageAudit:
    url: str
    html_lang: str = ""
    status_title: str = ""
    violations: list[dict] = field(default_factory=list)  # axe violations at 1280 px and 320 px, by rule id
    lang_problems: list[dict] = field(default_factory=list)
    overflow: dict = field(default_factory=dict)  # at 320 px

    @property
    def failing(self) -> list[dict]:
        return [v for v in self.violations if v["impact"] in FAILING_IMPACTS]

    @property
    def scrolls_sideways(self) -> bool:
        return self.overflow.get("scrollWidth", 0) > self.overflow.get("clientWidth", 0)


def missing_tools() -> str | None:
    """Why the check cannot run here, or None."""
    if not (CHROMIUM and CHROMEDRIVER):
        return MISSING_CHROMIUM
    if not AXE_JS.exists():
        return f"needs axe-core: run `npm install` in {HERE}"
    return None


def make_driver():
    driver = start_chromium(width=1280, height=900)
    driver.set_script_timeout(60)
    return driver


def set_width(driver, width: int | None) -> None:
    """Emulate a viewport `width` px wide (a phone at 320), or the window's own size when None."""
    if width is None:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    else:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": True})


def run_axe(driver) -> list[dict]:
    driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160)}))}))))"
        ".catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));"
    )


def audit(driver, url: str) -> PageAudit:
    """Open `url` at 1280 px and at 320 px and check it."""
    result = PageAudit(url)
    set_width(driver, None)
    driver.get(url)
    result.html_lang = driver.execute_script("return document.documentElement.lang")
    result.status_title = driver.title
    seen: dict[str, dict] = {}
    for violation in run_axe(driver):
        seen[violation["id"]] = violation
    result.lang_problems = driver.execute_script(LANGUAGE_SCRIPT)
    set_width(driver, 320)
    driver.get(url)
    for violation in run_axe(driver):
        seen.setdefault(violation["id"], {**violation, "help": violation["help"] + " (at 320 px)"})
    result.overflow = driver.execute_script(OVERFLOW_SCRIPT)
    set_width(driver, None)
    result.violations = sorted(seen.values(), key=lambda v: (FAILING_IMPACTS[::-1] + ("moderate", "minor")).index(v["impact"])
                               if v["impact"] in FAILING_IMPACTS + ("moderate", "minor") else 9)
    return result


def describe(page: PageAudit) -> list[str]:
    lines = [f"{page.url}  lang={page.html_lang!r}  title={page.status_title!r}"]
    for v in page.violations:
        targets = "; ".join(n["target"] for n in v["nodes"][:3])
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} nodes: {targets})")
    for problem in page.lang_problems[:8]:
        lines.append(f"  [lang] expected {problem['expected']}, is {problem['lang'] or 'none'!r} in {problem['where']}: "
                     f"{problem['text']!r}")
    if page.scrolls_sideways:
        lines.append(f"  [320px] scrolls sideways: scrollWidth={page.overflow['scrollWidth']} > {page.overflow['clientWidth']}"
                     f"; widest: {', '.join(page.overflow['wide'])}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", help="e.g. http://127.0.0.1:8000 (scripts/serve)")
    parser.add_argument("paths", nargs="*", default=list(DEFAULT_PATHS))
    args = parser.parse_args(argv)
    why = missing_tools()
    if why:
        print(f"a11y check not run: {why}")
        return 2
    driver = make_driver()
    try:
        pages = [audit(driver, args.base_url.rstrip("/") + path) for path in args.paths]
    finally:
        driver.quit()
    for page in pages:
        print("\n".join(describe(page)))
    serious = sum(1 for p in pages for v in p.violations if v["impact"] == "serious")
    critical = sum(1 for p in pages for v in p.violations if v["impact"] == "critical")
    lang = sum(len(p.lang_problems) for p in pages)
    overflow = sum(1 for p in pages if p.scrolls_sideways)
    print(f"a11y pages={len(pages)} serious={serious} critical={critical} lang_problems={lang} overflow_pages={overflow}")
    return 0 if not (serious or critical or lang or overflow) else 1


if __name__ == "__main__":
    sys.exit(main())
