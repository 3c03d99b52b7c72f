"""A researcher reading the Universal Declaration in Chinese and English in a real browser (headless chromium):
the language switch on a paragraph, its sibling's permanent link, the side-by-side page on a wide screen and
on a phone (one language under the other, and the toggle showing one).

Screenshots go to $SCREENSHOT_DIR when set, else to the test's tmp folder.
"""
from __future__ import annotations

import pytest

from resolutions.models import Resolution
from resolutions.services import ingest_resolution
from resolutions.tests.browser import BROWSER_TEST_MARKS, start_chromium
from resolutions.tests.conftest import DATA
from resolutions.tests.test_browser_pages import screenshot_dir
from resolutions.tests.test_versions import ARTICLE_19_EN, ARTICLE_19_ZH, UDHR_EN, UDHR_ZH

pytestmark = BROWSER_TEST_MARKS
SYMBOL = "A/RES/217(III)"


@pytest.fixture
def declaration(transactional_db, search_index_on_commit):
    for name in (UDHR_ZH, UDHR_EN):
        ingest_resolution(source=(DATA / name).read_bytes(), filename=name)
    return Resolution.objects.get(symbol=SYMBOL, language="zh").paragraphs.get(text=ARTICLE_19_ZH).slug


def open_browser(tmp_path, width: int, height: int):
    driver = start_chromium(width=width, height=height, profile=tmp_path / f"profile-{width}")
    driver.set_window_size(width, height)  # a start-up --window-size below ~500 px is widened by chromium
    driver.implicitly_wait(5)
    return driver


def test_paragraph_language_switch_and_sibling_links(live_server, declaration, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    site, slug = live_server.url, declaration
    browser = open_browser(tmp_path, 1280, 1000)
    try:
        browser.get(f"{site}/{SYMBOL}/zh/")
        paragraph = browser.find_element(By.ID, slug)
        assert paragraph.find_element(By.CSS_SELECTOR, ".para-text").text == ARTICLE_19_ZH
        sibling = paragraph.find_element(By.CSS_SELECTOR, "details.para-sibling[data-language='en']")
        text = sibling.find_element(By.CSS_SELECTOR, ".sibling-text")
        assert not text.is_displayed()  # closed until asked for
        summary = sibling.find_element(By.TAG_NAME, "summary")
        summary.send_keys(Keys.ENTER)  # by keyboard
        assert text.is_displayed()
        assert text.text == ARTICLE_19_EN
        assert text.get_attribute("lang") == "en"
        browser.save_screenshot(str(screenshot_dir(tmp_path) / "udhr_zh_paragraph_switch.png"))

        # Its permanent link: the English paragraph's own page, which links back.
        sibling.find_element(By.CSS_SELECTOR, ".sibling-link a").click()
        assert browser.current_url == f"{site}/{SYMBOL}/en/{slug}"
        assert browser.find_element(By.CSS_SELECTOR, ".para-focus .para-text").text == ARTICLE_19_EN
        browser.find_element(By.CSS_SELECTOR, ".lang-switch a[hreflang='zh-Hans']").click()
        assert browser.current_url == f"{site}/{SYMBOL}/zh/{slug}"
        assert browser.find_element(By.CSS_SELECTOR, ".para-focus .para-text").text == ARTICLE_19_ZH
    finally:
        browser.quit()


def test_side_by_side_on_a_wide_screen_and_on_a_phone(live_server, declaration, tmp_path):
    from selenium.webdriver.common.by import By

    site, slug = live_server.url, declaration
    shots = screenshot_dir(tmp_path)
    browser = open_browser(tmp_path, 1280, 1000)
    try:
        browser.get(f"{site}/{SYMBOL}/zh/")
        browser.find_element(By.CSS_SELECTOR, "a.beside-link[hreflang='en']").click()
        assert browser.current_url == f"{site}/{SYMBOL}/zh/?beside=en"
        zh = browser.find_element(By.ID, slug)
        en = browser.find_element(By.ID, f"en-{slug}")
        assert zh.find_element(By.CSS_SELECTOR, ".para-text").text == ARTICLE_19_ZH
        assert en.find_element(By.CSS_SELECTOR, ".para-text").text == ARTICLE_19_EN
        # Beside: the same line, the English to the right.
        assert abs(zh.rect["y"] - en.rect["y"]) < 2
        assert en.rect["x"] > zh.rect["x"] + zh.rect["width"] - 1
        browser.execute_script("arguments[0].scrollIntoView()", zh)
        browser.save_screenshot(str(shots / "udhr_side_by_side_1280.png"))
        # The toggle: English only, then both again.
        toggle = browser.find_element(By.CSS_SELECTOR, ".parallel-toggle")
        assert toggle.is_displayed()
        toggle.find_element(By.CSS_SELECTOR, "button[data-show='second']").click()
        assert not zh.is_displayed() and en.is_displayed()
        assert toggle.find_element(By.CSS_SELECTOR, "button[data-show='second']").get_attribute("aria-pressed") == "true"
        toggle.find_element(By.CSS_SELECTOR, "button[data-show='both']").click()
        assert zh.is_displayed() and en.is_displayed()
    finally:
        browser.quit()

    phone = open_browser(tmp_path, 375, 800)
    try:
        phone.get(f"{site}/{SYMBOL}/zh/?beside=en")
        zh = phone.find_element(By.ID, slug)
        en = phone.find_element(By.ID, f"en-{slug}")
        # One under the other: the English right below its Chinese, nothing wider than the screen.
        assert en.rect["y"] >= zh.rect["y"] + zh.rect["height"] - 1
        assert abs(en.rect["x"] - zh.rect["x"]) < 16
        assert phone.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0
        phone.execute_script("arguments[0].scrollIntoView()", zh)
        phone.save_screenshot(str(shots / "udhr_side_by_side_375.png"))
        toggle = phone.find_element(By.CSS_SELECTOR, ".parallel-toggle")
        toggle.find_element(By.CSS_SELECTOR, "button[data-show='first']").click()
        assert zh.is_displayed() and not en.is_displayed()
        phone.execute_script("arguments[0].scrollIntoView()", zh)
        phone.save_screenshot(str(shots / "udhr_side_by_side_375_chinese_only.png"))
        # The per-paragraph switch of the one-language page works on the phone too.
        phone.get(f"{site}/{SYMBOL}/en/")
        paragraph = phone.find_element(By.ID, slug)
        sibling = paragraph.find_element(By.CSS_SELECTOR, "details.para-sibling[data-language='zh'] summary")
        phone.execute_script("arguments[0].scrollIntoView()", sibling)
        sibling.click()
        assert paragraph.find_element(By.CSS_SELECTOR, ".sibling-text").text == ARTICLE_19_ZH
        assert phone.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0
    finally:
        phone.quit()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_language_switch_of_a_search_hit(live_server, declaration, tmp_path, width):
    """From a Chinese hit to the same article in English, then to both side by side, on a wide screen and a phone."""
    from selenium.webdriver.common.by import By

    from resolutions.tests.test_versions import ARTICLE_5_EN, ARTICLE_5_ZH

    site = live_server.url
    zh = Resolution.objects.get(symbol=SYMBOL, language="zh").paragraphs.get(text=ARTICLE_5_ZH)
    browser = open_browser(tmp_path, width, 900)
    try:
        # Every hit on one page (the Declaration of 1948 ranks after the newer texts); the hit that is article 5
        # leads to the article (issue 13).
        browser.get(f"{site}/search/?q=酷刑&per_page=100")
        hit_xpath = f"//li[@class='hit'][.//a[@class='permalink'][@href='{zh.division.get_absolute_url()}']]"
        hit = browser.find_element(By.XPATH, hit_xpath)
        switch = hit.find_element(By.CSS_SELECTOR, "a.hit-sibling[hreflang='en']")
        assert switch.is_displayed() and switch.text == "English"
        browser.save_screenshot(str(screenshot_dir(tmp_path) / f"search_hit_switch_{width}.png"))
        switch.click()
        assert browser.current_url == f"{site}/{SYMBOL}/en/{zh.slug}"
        assert browser.find_element(By.CSS_SELECTOR, ".para-focus .para-text").text == ARTICLE_5_EN
        browser.back()
        browser.find_element(By.XPATH, f"{hit_xpath}//a[@class='hit-beside']").click()
        assert browser.current_url == f"{site}/{SYMBOL}/zh/?beside=en#{zh.slug}"
        assert browser.find_element(By.ID, f"en-{zh.slug}").find_element(By.CSS_SELECTOR, ".para-text").text == ARTICLE_5_EN
    finally:
        browser.quit()
