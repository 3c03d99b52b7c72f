"""A researcher reading 79/243 and its Convention against Cybercrime in a real browser (headless Debian chromium):
the contents beside the text, an article found through them, its permanent link followed; on a phone the
contents folded above the text. Screenshots go to $SCREENSHOT_DIR when set, else to the test's tmp folder."""

from __future__ import annotations

import pytest

from resolutions.services import ingest_resolution
from resolutions.tests.browser import BROWSER_TEST_MARKS, start_chromium
from resolutions.tests.conftest import DATA
from resolutions.tests.test_browser_pages import screenshot_dir

pytestmark = BROWSER_TEST_MARKS


@pytest.fixture
def archive(transactional_db, search_index_on_commit):
    for name in ("A_RES_79_243.txt", "A_RES_217_A_III.pdf", "A_RES_79_175.txt"):
        ingest_resolution(source=(DATA / name).read_bytes(), filename=name)


def rect(browser, selector: str) -> dict:
    return browser.execute_script("return document.querySelector(arguments[0]).getBoundingClientRect().toJSON();", selector)


def test_the_contents_lead_to_an_article_whose_permalink_resolves(live_server, archive, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    shots = screenshot_dir(tmp_path)
    browser = start_chromium(width=1280, height=900, profile=tmp_path / "wide")
    try:
        browser.implicitly_wait(5)
        browser.get(f"{live_server.url}/A/RES/79/243/en/")
        contents = browser.find_element(By.CSS_SELECTOR, ".res-body > details.contents")
        assert contents.get_attribute("open") == "true"
        # Beside the text: to its left, starting level with it.
        nav, text = rect(browser, ".res-body > details.contents"), rect(browser, ".res-body > .res-text")
        assert nav["right"] <= text["left"] and abs(nav["top"] - text["top"]) < 40
        chapters = browser.find_elements(By.CSS_SELECTOR, ".contents li.contents-chapter > a")
        assert [c.text for c in chapters][:2] == ["Chapter I General provisions", "Chapter II Criminalization"]
        assert len(chapters) == 9
        assert len(browser.find_elements(By.CSS_SELECTOR, ".contents li.contents-article")) == 68
        browser.save_screenshot(str(shots / "instrument-wide.png"))

        # Follow article 5 in the contents: the page scrolls to its heading; the contents stay beside it.
        link = browser.find_element(By.CSS_SELECTOR, '.contents a[href="#annex_1/art_5"]')
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", link)
        link.click()
        WebDriverWait(browser, 5).until(lambda b: b.current_url.endswith("#annex_1/art_5"))
        heading = rect(browser, '[id="annex_1/art_5"]')
        assert 0 <= heading["top"] < 200
        assert rect(browser, ".res-body > details.contents")["top"] < 100  # sticky: still in view

        # The article's permanent link, from its heading.
        browser.find_element(By.CSS_SELECTOR, '[id="annex_1/art_5"] a.division-link').click()
        WebDriverWait(browser, 5).until(lambda b: b.current_url == f"{live_server.url}/A/RES/79/243/en/annex_1/art_5")
        assert browser.find_element(By.CSS_SELECTOR, ".division-page-heading").text == "Article 5\nProtection of sovereignty"
        paragraphs = browser.find_elements(By.CSS_SELECTOR, ".res-text .para-text")
        assert paragraphs[1].text.startswith("Nothing in this Convention shall entitle a State Party")
        box = browser.find_element(By.CSS_SELECTOR, "#cite-division .cite-en")
        assert box.get_attribute("textContent").startswith(
            "article 5 of the United Nations Convention against Cybercrime, annexed to General Assembly resolution 79/243, http"
        )
        browser.save_screenshot(str(shots / "instrument-article.png"))

        # A paragraph of the Declaration cited elsewhere: its article page lists the citing paragraphs.
        browser.get(f"{live_server.url}/A/RES/217(III)/zh/art_12")
        citing = browser.find_elements(By.CSS_SELECTOR, ".cited-by a.citing")
        assert [c.text for c in citing] == ["A/RES/79/175 · preambular paragraph 9", "A/RES/79/175 · operative paragraph 1"]
    finally:
        browser.quit()


def test_on_a_phone_the_contents_fold_above_the_text(live_server, archive, tmp_path):
    from selenium.webdriver.common.by import By

    shots = screenshot_dir(tmp_path)
    browser = start_chromium(width=360, height=780, profile=tmp_path / "phone")
    try:
        browser.implicitly_wait(5)
        browser.get(f"{live_server.url}/A/RES/79/243/en/")
        contents = browser.find_element(By.CSS_SELECTOR, ".res-body > details.contents")
        assert contents.get_attribute("open") is None  # folded
        assert rect(browser, ".res-body > details.contents")["bottom"] <= rect(browser, ".res-body > .res-text")["top"]
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
        browser.save_screenshot(str(shots / "instrument-phone-folded.png"))
        contents.find_element(By.TAG_NAME, "summary").click()
        assert contents.get_attribute("open") == "true"
        article = contents.find_element(By.CSS_SELECTOR, 'a[href="#annex_1/art_36"]')
        browser.save_screenshot(str(shots / "instrument-phone-open.png"))
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", article)
        article.click()
        assert contents.get_attribute("open") is None  # folded again, the article in view
        assert 0 <= rect(browser, '[id="annex_1/art_36"]')["top"] < 200
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        browser.quit()


def test_instrument_pages_pass_axe_and_reflow_at_320_px(live_server, archive):
    from bench.a11y import run as a11y

    if a11y.missing_tools() is not None:
        pytest.skip(f"accessibility check: {a11y.missing_tools()}")
    pages = {
        "/A/RES/79/243/en/": "en",
        "/A/RES/79/243/en/annex_1/art_2": "en",
        "/A/RES/79/243/en/annex_1/art_5/para_2": "en",
        "/A/RES/217(III)/zh/art_12": "zh-Hans",
    }
    browser = a11y.make_driver()
    browser.set_script_timeout(600)  # axe over the 500 paragraphs of 79/243 takes a while on a busy machine
    try:
        audits = {path: a11y.audit(browser, live_server.url + path) for path in pages}
    finally:
        browser.quit()
    report = "\n".join(line for page in audits.values() for line in a11y.describe(page))
    assert {path: [v["id"] for v in page.failing] for path, page in audits.items()} == {path: [] for path in pages}, report
    assert {path: page.lang_problems for path, page in audits.items()} == {path: [] for path in pages}, report
    assert {path: page.overflow["scrollWidth"] for path, page in audits.items()} == {path: 320 for path in pages}, report
