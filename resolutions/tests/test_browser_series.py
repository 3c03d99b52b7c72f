"""A researcher in a real browser (headless Debian chromium) following a series: 78/224 -> 79/187.

From the 2024 text, "what changed" shows the summary and every paragraph paired; "show changes only" hides
the unchanged ones (static/js/series.js, no inline script under the CSP); a paragraph's link leads to its
permanent page in the older text; the timeline leads back. Screenshots go to $SCREENSHOT_DIR when set.
"""
from __future__ import annotations

import pytest

from resolutions.services import ingest_resolution
from resolutions.tests.browser import BROWSER_TEST_MARKS, start_chromium
from resolutions.tests.test_browser_pages import screenshot_dir
from resolutions.tests.test_series_pages import SERIES

pytestmark = BROWSER_TEST_MARKS


@pytest.fixture
def archive(transactional_db, search_index_on_commit):
    for name in ("A_RES_78_224.txt", "A_RES_79_187.txt"):
        ingest_resolution(source=(SERIES / name).read_bytes(), filename=name)


@pytest.mark.parametrize("width", [1280, 320])
def test_researcher_sees_what_changed_filters_it_and_follows_a_paragraph_back(live_server, archive, tmp_path, width):
    from selenium.webdriver.common.by import By

    browser = start_chromium(profile=tmp_path / "profile", width=width)
    browser.implicitly_wait(5)
    try:
        site = live_server.url
        browser.get(f"{site}/A/RES/79/187/en/")
        browser.find_element(By.CSS_SELECTOR, "a.series-changes").click()
        assert browser.current_url == f"{site}/A/RES/79/187/en/changes/"
        summary = browser.find_element(By.CSS_SELECTOR, ".changes-summary .summary-en").text
        assert summary == "3 new preambular paragraphs, 2 new operative paragraphs, 10 dropped, 4 changed, 1 moved, 5 unchanged."
        rows = browser.find_elements(By.CSS_SELECTOR, "ol.changes > li")
        assert len(rows) == 24
        unchanged = browser.find_elements(By.CSS_SELECTOR, "li.change-unchanged")
        assert len(unchanged) == 5 and all(row.is_displayed() for row in unchanged)
        pp1 = browser.find_element(By.ID, "pp1")
        assert pp1.find_element(By.CSS_SELECTOR, "del").text == "Japan"
        assert pp1.find_element(By.CSS_SELECTOR, "ins").text == "Japa"
        # No sideways scrolling, even at 320 px.
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")

        toggle = browser.find_element(By.CSS_SELECTOR, "button.changes-only")
        assert toggle.is_displayed() and toggle.get_attribute("aria-pressed") == "false"
        toggle.click()
        assert toggle.get_attribute("aria-pressed") == "true"
        assert not any(row.is_displayed() for row in browser.find_elements(By.CSS_SELECTOR, "li.change-unchanged"))
        assert sum(row.is_displayed() for row in browser.find_elements(By.CSS_SELECTOR, "ol.changes > li")) == 19
        browser.save_screenshot(str(screenshot_dir(tmp_path) / f"series-changes-{width}.png"))
        toggle.click()
        assert all(row.is_displayed() for row in browser.find_elements(By.CSS_SELECTOR, "li.change-unchanged"))

        # The moved paragraph's link to its permanent address in 2023.
        moved = browser.find_element(By.ID, "pp8")
        assert "moved" in moved.find_element(By.CSS_SELECTOR, ".change-head").text
        moved.find_element(By.CSS_SELECTOR, "a.change-old").click()
        assert browser.current_url == f"{site}/A/RES/78/224/en/pp6"
        assert "Recalling its resolution 77/232 of 15 December 2022" in browser.find_element(By.CSS_SELECTOR, ".para-focus").text

        browser.get(f"{site}/A/RES/79/187/en/changes/")
        browser.find_element(By.CSS_SELECTOR, ".changes-links a").click()
        assert browser.current_url == f"{site}/A/RES/79/187/en/series/"
        cells = browser.find_elements(By.CSS_SELECTOR, "tr.timeline-current td")
        assert "新增 5 new" in cells[2].text
        assert browser.find_element(By.CSS_SELECTOR, "tr.timeline-current").get_attribute("aria-current") == "page"
        browser.save_screenshot(str(screenshot_dir(tmp_path) / f"series-timeline-{width}.png"))
    finally:
        browser.quit()
