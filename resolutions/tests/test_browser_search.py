"""The results page on a phone and on a desktop (issue 15), in headless chromium: on a 390-pixel-wide screen the
filters fold away so that the first hit shows without scrolling, and unfold to be used; on a wide screen they
are always shown. On real texts, through the live server."""
from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from resolutions.search.engine import Filters
from resolutions.services import ingest_resolution
from resolutions.tests.browser import BROWSER_TEST_MARKS, start_chromium
from resolutions.tests.search_fixtures import DATA
from resolutions.tests.search_reference import brute_force

pytestmark = BROWSER_TEST_MARKS
PHONE = (390, 844)  # a phone's screen in CSS pixels (iPhone 12 to 15)


@pytest.fixture
def archive(transactional_db, search_index_on_commit):
    for name in ("A_RES_67_161.txt", "A_HRC_RES_45_32.txt", "A_RES_78_171.txt", "A_RES_78_220.txt"):
        ingest_resolution(source=(DATA / name).read_bytes(), filename=name)


def open_browser(tmp_path, width: int, height: int):
    driver = start_chromium(width=max(width, 800), height=height, profile=tmp_path / f"profile-{width}")
    driver.implicitly_wait(2)
    if width < 500:  # a window is never narrower than 500 pixels: the viewport is a phone's, as DevTools makes it
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 3, "mobile": True})
    return driver


def shown(driver, element) -> bool:
    """Rendered (not in a folded <details>, not display:none): selenium's is_displayed reads the <details> state,
    not what the stylesheet makes of it."""
    return driver.execute_script("return arguments[0].checkVisibility({contentVisibilityAuto: true, visibilityProperty: true})", element)


def result_count(driver) -> int:
    return int(re.search(r"共 (\d+) 段", driver.find_element(By.CSS_SELECTOR, ".result-count").text).group(1))


def test_on_a_phone_the_first_hit_is_above_the_fold_and_the_filters_unfold(live_server, archive, tmp_path):
    driver = open_browser(tmp_path, *PHONE)
    try:
        driver.get(f"{live_server.url}/search/?q=人权")
        assert driver.execute_script("return window.innerWidth") == PHONE[0]
        fold = driver.execute_script("return window.innerHeight")
        first = driver.find_element(By.CSS_SELECTOR, "ol.hits li.hit")
        permalink = first.find_element(By.CSS_SELECTOR, "a.permalink")
        box = driver.execute_script("return arguments[0].getBoundingClientRect().toJSON()", permalink)
        snippet = driver.execute_script("return arguments[0].getBoundingClientRect().toJSON()", first.find_element(By.CSS_SELECTOR, ".snippet"))
        driver.save_screenshot(str(tmp_path / "search_390.png"))
        # The first hit's link and the start of its text show without scrolling.
        assert 0 < box["bottom"] < snippet["top"] + 20 < fold, (box, snippet, fold)
        assert result_count(driver) == len(brute_force("人权")) == 33
        council = driver.find_element(By.CSS_SELECTOR, '.facet[data-facet="body"] a[href*="body=HRC"]')
        assert not shown(driver, council)  # folded away
        summary = driver.find_element(By.CSS_SELECTOR, "details.filters > summary")
        assert summary.is_displayed() and summary.text.startswith("筛选 Filters")
        summary.click()
        assert shown(driver, council)
        # Unfolded, the filters push the first hit far below the fold: folding is what brought it up.
        assert driver.execute_script("return arguments[0].getBoundingClientRect().top", first) > fold
        council.click()
        assert "body=HRC" in driver.current_url
        assert result_count(driver) == len(brute_force("人权", Filters(body=("HRC",)))) == 21
        # Folded again on the new page, the filter in force named in its summary and listed above the hits.
        assert "已选 1 项" in driver.find_element(By.CSS_SELECTOR, "details.filters > summary").text
        assert "人权理事会 Human Rights Council" in driver.find_element(By.CSS_SELECTOR, ".active-filters").text
    finally:
        driver.quit()


def test_on_a_desktop_the_filters_are_always_shown(live_server, archive, tmp_path):
    driver = open_browser(tmp_path, 1280, 900)
    try:
        driver.get(f"{live_server.url}/search/?q=人权")
        assert not shown(driver, driver.find_element(By.CSS_SELECTOR, "details.filters > summary"))
        council = driver.find_element(By.CSS_SELECTOR, '.facet[data-facet="body"] a[href*="body=HRC"]')
        assert shown(driver, council)
        facets = driver.find_element(By.CSS_SELECTOR, "aside.facets").rect
        hits = driver.find_element(By.CSS_SELECTOR, "section.results").rect
        assert facets["x"] + facets["width"] <= hits["x"]  # beside the results, as before
        # A click where the link is drawn (selenium's own click refuses an element inside a closed <details>).
        ActionChains(driver).move_to_element(council).click().perform()
        assert "body=HRC" in driver.current_url
        assert result_count(driver) == len(brute_force("人权", Filters(body=("HRC",))))
    finally:
        driver.quit()
