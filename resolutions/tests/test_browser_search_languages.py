"""The other language on the results page in a real browser (headless chromium), on a desktop window and on a
390-px phone: the "show English beside results" toggle, and the cross-language query (English words, Chinese
articles). Material: the Universal Declaration in Chinese and English.

Screenshots go to $SCREENSHOT_DIR when set, else to the test's tmp folder.
"""
from __future__ import annotations

import pytest

from resolutions.models import Resolution
from resolutions.services import ingest_resolution
from resolutions.tests.browser import BROWSER_TEST_MARKS
from resolutions.tests.conftest import DATA
from resolutions.tests.test_browser_pages import screenshot_dir
from resolutions.tests.test_browser_versions import open_browser
from resolutions.tests.test_versions import ARTICLE_5_EN, ARTICLE_5_ZH, UDHR_EN, UDHR_ZH

pytestmark = BROWSER_TEST_MARKS
SYMBOL = "A/RES/217(III)"


@pytest.fixture
def declaration(transactional_db, search_index_on_commit):
    for name in (UDHR_ZH, UDHR_EN):
        ingest_resolution(source=(DATA / name).read_bytes(), filename=name)
    return Resolution.objects.get(symbol=SYMBOL, language="zh").paragraphs.get(text=ARTICLE_5_ZH)


def overflow(browser) -> int:
    return browser.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_other_language_toggles_on_the_results_page(live_server, declaration, tmp_path, width):
    from selenium.webdriver.common.by import By

    site, article_5 = live_server.url, declaration
    english_5 = article_5.siblings.get()
    shots = screenshot_dir(tmp_path)
    browser = open_browser(tmp_path, width, 900)
    # The hit that is article 5 leads to the article (issue 13); all of 酷刑's hits on one page, as ranking puts
    # the Declaration of 1948 after the newer texts.
    hit_xpath = f"//li[contains(@class, 'hit')][.//a[@class='permalink'][@href='{article_5.division.get_absolute_url()}']]"
    try:
        browser.get(f"{site}/search/?q=酷刑&per_page=100")
        assert browser.find_elements(By.CSS_SELECTOR, ".hit-aligned") == []
        toggle = browser.find_element(By.CSS_SELECTOR, "a.toggle-beside[data-language='en']")
        assert toggle.is_displayed()
        toggle.click()
        assert browser.current_url == f"{site}/search/?q=%E9%85%B7%E5%88%91&per_page=100&beside=en"
        hit = browser.find_element(By.XPATH, hit_xpath)
        aligned = hit.find_element(By.CSS_SELECTOR, ".hit-aligned .aligned-text")
        assert aligned.is_displayed() and aligned.text == ARTICLE_5_EN and aligned.get_attribute("lang") == "en"
        # Under the Chinese text, within the screen.
        assert aligned.location["y"] > hit.find_element(By.CSS_SELECTOR, ".snippet").location["y"]
        assert aligned.rect["x"] + aligned.rect["width"] <= width
        assert overflow(browser) == 0
        browser.execute_script("arguments[0].scrollIntoView()", hit)
        browser.save_screenshot(str(shots / f"search_beside_en_{width}.png"))
        # A new query from the form keeps the option.
        field = browser.find_element(By.ID, "q-main")
        field.clear()
        field.send_keys("不人道")
        browser.find_element(By.CSS_SELECTOR, ".search-form button[type='submit']").click()
        assert "beside=en" in browser.current_url
        assert browser.find_element(By.XPATH, hit_xpath).find_element(By.CSS_SELECTOR, ".aligned-text").text == ARTICLE_5_EN
        # The toggle, pressed again, turns it off.
        pressed = browser.find_element(By.CSS_SELECTOR, "a.toggle-beside[data-language='en']")
        assert pressed.get_attribute("aria-current") == "true"
        pressed.click()
        assert "beside" not in browser.current_url and browser.find_elements(By.CSS_SELECTOR, ".hit-aligned") == []

        # An English word, the Chinese wording: the Chinese article is the hit, the English beneath as the reason.
        browser.get(f"{site}/search/?q=torture")
        browser.find_element(By.CSS_SELECTOR, "a.toggle-show-in[data-language='zh']").click()
        assert browser.current_url == f"{site}/search/?q=torture&show_in=zh"
        [hit] = browser.find_elements(By.CSS_SELECTOR, "li.cross-hit")
        assert hit.find_element(By.CSS_SELECTOR, ".aligned-text").text == ARTICLE_5_ZH
        assert hit.find_element(By.CSS_SELECTOR, "a.permalink").get_attribute("href") == site + article_5.get_absolute_url()
        reason = hit.find_element(By.CSS_SELECTOR, ".cross-reason")
        assert reason.find_element(By.CSS_SELECTOR, "mark").text == "torture"
        assert reason.find_element(By.CSS_SELECTOR, ".reason-where a").get_attribute("href") == site + english_5.get_absolute_url()
        assert "1 English paragraph matches" in browser.find_element(By.CSS_SELECTOR, ".cross-count").text
        assert overflow(browser) == 0
        browser.execute_script("arguments[0].scrollIntoView()", hit)
        browser.save_screenshot(str(shots / f"search_show_in_zh_{width}.png"))
    finally:
        browser.quit()
