"""A curator in a real browser (headless Debian chromium): log in, upload a PDF, confirm, search for it."""
from __future__ import annotations


import pytest

from resolutions.management.commands.create_curator_group import ensure_curator_group
from resolutions.models import Resolution
from resolutions.tests.browser import BROWSER_TEST_MARKS, start_chromium
from resolutions.tests.admin_pages import media_root  # noqa: F401 (fixture)
from resolutions.tests.search_fixtures import search_index_dir, search_index_on_commit  # noqa: F401 (fixtures)
from resolutions.tests.upload_files import DATA

pytestmark = BROWSER_TEST_MARKS


@pytest.fixture
def browser():
    driver = start_chromium(lang="en-US")
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def test_curator_logs_in_uploads_a_pdf_confirms_and_finds_it_by_search(
    browser, live_server, django_user_model, media_root, search_index_on_commit  # noqa: F811
):
    from selenium.webdriver.common.by import By

    user = django_user_model.objects.create_user("curator", password="a long curator password", is_staff=True)
    user.groups.add(ensure_curator_group())

    browser.get(f"{live_server.url}/admin/resolutions/resolution/")
    browser.find_element(By.NAME, "username").send_keys("curator")
    browser.find_element(By.NAME, "password").send_keys("a long curator password")
    browser.find_element(By.CSS_SELECTOR, "#login-form [type=submit]").click()

    browser.find_element(By.CSS_SELECTOR, ".object-tools a[href='/admin/resolutions/resolution/upload/']").click()
    assert browser.current_url == f"{live_server.url}/admin/resolutions/resolution/upload/"
    browser.find_element(By.CSS_SELECTOR, "input[type=file][name=files]").send_keys(str(DATA / "A_RES_79_163.pdf"))
    browser.find_element(By.CSS_SELECTOR, "input[name=preview]").click()

    heading = browser.find_element(By.CSS_SELECTOR, ".upload-preview h2").text
    assert heading == "A/RES/79/163 (en) — A_RES_79_163.pdf"
    counts = browser.find_element(By.CSS_SELECTOR, ".upload-preview td.counts").text
    assert counts.startswith("8 preambular, 2 operative")
    assert not Resolution.objects.exists()
    browser.find_element(By.CSS_SELECTOR, "#confirm-form input[name=confirm]").click()

    link = browser.find_element(By.CSS_SELECTOR, ".upload-results li.created a.public-link")
    assert link.text == "A/RES/79/163 (en)"
    link.click()
    assert browser.current_url == f"{live_server.url}/A/RES/79/163/en/"

    box = browser.find_element(By.ID, "site-q")
    box.send_keys('"redouble" OR "Palestinian people to self-determination"')
    box.submit()

    hits = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, ".hits a[href*='/A/RES/79/163/en/op']")]
    assert f"{live_server.url}/A/RES/79/163/en/op1" in hits
