"""Every kind of page passes axe-core in headless chromium, declares the language of each text, reflows at 320 px
and works by keyboard (bench/a11y/run.py does the checking; these tests give it real pages)."""
from __future__ import annotations

import pytest

from bench.a11y import run as a11y
from resolutions.services import ingest_resolution
from resolutions.tests.conftest import DATA

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(a11y.missing_tools() is not None, reason=f"accessibility check: {a11y.missing_tools()}"),
]

TEXTS = (
    "A_HRC_RES_45_32.txt",
    "A_RES_67_161.txt",
    "A_RES_78_190.txt",
    "A_RES_79_160.txt",
    "A_RES_217_A_III.pdf",
    "A_RES_217_A_III_en.xml",
)
# path -> (title of the page, language of <html>)
PAGES = {
    "/": ("人权决议档案 · Resolution Archive", "zh-Hans"),
    "/A/RES/67/161/zh/": ("A/RES/67/161 · 酷刑和其他残忍、不人道或有辱人格的待遇或处罚 · 人权决议档案", "zh-Hans"),
    "/A/RES/79/160/en/": (
        "A/RES/79/160 · Combating glorification of Nazism, neo-Nazism and other practices that contribute to fuelling "
        "contemporary forms of racism, racial discrimination, xenophobia and related intolerance · 人权决议档案",
        "zh-Hans",
    ),
    "/A/HRC/RES/45/32/zh/op3": ("A/HRC/RES/45/32 op3 · 执行部分第 3 段 · 人权决议档案", "zh-Hans"),
    "/A/RES/79/160/en/op3": ("A/RES/79/160 op3 · operative paragraph 3 · 人权决议档案", "zh-Hans"),
    # The series 78/190 -> 79/160: what changed, and the timeline.
    "/A/RES/79/160/en/changes/": ("有何变化 What changed · A/RES/78/190 → A/RES/79/160 · 人权决议档案", "zh-Hans"),
    "/A/RES/79/160/en/series/": (
        "系列时间线 Series timeline · Combating glorification of Nazism, neo-Nazism and other practices that contribute "
        "to fuelling contemporary forms of racism, racial discrimination, xenophobia and related intolerance · 人权决议档案",
        "zh-Hans",
    ),
    # The declaration in two languages: a switch on every paragraph, and the two side by side.
    "/A/RES/217(III)/zh/": ("A/RES/217(III) · 世界人权宣言 · 人权决议档案", "zh-Hans"),
    "/A/RES/217(III)/zh/?beside=en": (
        "A/RES/217(III) · 世界人权宣言 · Universal Declaration of Human Rights · 人权决议档案",
        "zh-Hans",
    ),
    "/A/RES/217(III)/en/pp1": ("A/RES/217(III) pp1 · preambular paragraph 1 · 人权决议档案", "zh-Hans"),
    "/search/?q=国际人道主义法": ("国际人道主义法 · 搜索 Search · 人权决议档案", "zh-Hans"),
    "/search/?q=neo-Nazism&group=1": ("neo-Nazism · 搜索 Search · 人权决议档案", "zh-Hans"),
    # Filters in force (removable) and groups of more than five paragraphs (a link to all of them).
    "/search/?q=人权&group=1&body=GA&year_from=2000": ("人权 · 搜索 Search · 人权决议档案", "zh-Hans"),
    # The other language under each hit, and an English query shown by its Chinese paragraphs.
    "/search/?q=酷刑&beside=en": ("酷刑 · 搜索 Search · 人权决议档案", "zh-Hans"),
    "/search/?q=torture&show_in=zh": ("torture · 搜索 Search · 人权决议档案", "zh-Hans"),
    "/browse/": ("浏览 Browse · 人权决议档案", "zh-Hans"),
    "/no-such-page/": ("未找到 · Not found", "zh-Hans"),
    "/admin/login/": ("Log in | Resolutions archive admin", "en"),
}


@pytest.fixture
def archive(transactional_db, search_index_on_commit):
    for name in TEXTS:
        ingest_resolution(source=(DATA / name).read_bytes(), filename=name)


@pytest.fixture
def browser():
    driver = a11y.make_driver()
    yield driver
    driver.quit()


def test_every_page_passes_axe_declares_the_language_of_each_text_and_reflows_at_320_px(archive, live_server, browser):
    audits = {path: a11y.audit(browser, live_server.url + path) for path in PAGES}

    assert {path: (page.status_title, page.html_lang) for path, page in audits.items()} == PAGES
    report = "\n".join(line for page in audits.values() for line in a11y.describe(page))
    assert {path: [v["id"] for v in page.failing] for path, page in audits.items()} == {path: [] for path in PAGES}, report
    assert {path: page.lang_problems for path, page in audits.items()} == {path: [] for path in PAGES}, report
    assert {path: page.overflow["scrollWidth"] for path, page in audits.items()} == {path: 320 for path in PAGES}, report


def test_the_text_of_each_resolution_carries_its_own_language(archive, live_server, browser):
    from selenium.webdriver.common.by import By

    languages = {}
    for path in ("/A/RES/67/161/zh/", "/A/RES/79/160/en/", "/A/RES/79/160/en/op3", "/search/?q=neo-Nazism"):
        browser.get(live_server.url + path)
        texts = browser.find_elements(By.CSS_SELECTOR, ".para-text, .hit")
        languages[path] = sorted({t.find_element(By.XPATH, "ancestor-or-self::*[@lang][1]").get_attribute("lang") for t in texts})
    assert languages == {
        "/A/RES/67/161/zh/": ["zh-Hans"],
        "/A/RES/79/160/en/": ["en"],
        "/A/RES/79/160/en/op3": ["en"],
        "/search/?q=neo-Nazism": ["en"],
    }


def test_a_reader_with_only_a_keyboard_skips_to_the_text_and_reaches_every_paragraph_control(archive, live_server, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.get(live_server.url + "/A/HRC/RES/45/32/zh/")
    active = "const e = document.activeElement; return [e.tagName, e.id, e.className, e.textContent.trim().slice(0, 40)];"
    outline = "const s = getComputedStyle(document.activeElement); return s.outlineStyle + ' ' + s.outlineWidth;"

    ActionChains(browser).send_keys(Keys.TAB).perform()
    assert browser.execute_script(active) == ["A", "", "skip-link", "跳到正文 · Skip to content"]
    assert browser.execute_script(outline) == "solid 3px"
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    assert browser.execute_script(active)[:2] == ["MAIN", "main"]

    # Onwards through the header (breadcrumb, language switch, official links) to the first paragraph's controls.
    reached = []
    for _ in range(60):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        tag, _, css_class, text = browser.execute_script(active)
        reached.append((tag, css_class.split(" ")[0], browser.execute_script(outline)))
        if tag == "SUMMARY" and ("A", "para-num", "solid 3px") in reached:
            break
    controls = [(tag, css) for tag, css, _ in reached]
    # The header has the resolution's own copy and cite controls; then pp1's number link, anchor, copy, cite.
    first_paragraph = controls[controls.index(("A", "para-num")):]
    assert first_paragraph == [("A", "para-num"), ("A", "anchor"), ("BUTTON", "copy"), ("SUMMARY", "")], reached
    assert all(style == "solid 3px" for _, _, style in reached), reached
