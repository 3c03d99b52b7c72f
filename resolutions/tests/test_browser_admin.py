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


def test_the_paragraph_form_previews_the_text_as_it_is_typed_with_its_links_under_the_csp(
    browser, live_server, django_user_model, media_root, search_index_on_commit  # noqa: F811
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from resolutions.services import ingest_resolution

    user = django_user_model.objects.create_user("curator", password="a long curator password", is_staff=True)
    user.groups.add(ensure_curator_group())
    resolution = ingest_resolution(source=(DATA / "A_HRC_RES_45_32.txt").read_bytes(), filename="A_HRC_RES_45_32.txt").resolution
    pp4 = resolution.paragraphs.get(eid="pp4")
    browser.get(f"{live_server.url}/admin/login/?next=/admin/resolutions/paragraph/{pp4.pk}/change/")
    browser.find_element(By.NAME, "username").send_keys("curator")
    browser.find_element(By.NAME, "password").send_keys("a long curator password")
    browser.find_element(By.CSS_SELECTOR, "#login-form [type=submit]").click()

    preview = browser.find_element(By.CSS_SELECTOR, ".paragraph-preview .preview-text")
    links = [a.text for a in preview.find_elements(By.CSS_SELECTOR, "a.ref")]
    assert links[0] == "第 60/251 号决议"
    text = browser.find_element(By.ID, "id_text")
    text.send_keys("并回顾大会第 70/1 号决议")
    WebDriverWait(browser, 10).until(
        lambda driver: "第 70/1 号决议" in [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".preview-text a.ref")]
    )
    number = browser.find_element(By.ID, "id_number")
    number.clear()
    number.send_keys("9")
    WebDriverWait(browser, 10).until(
        lambda driver: driver.find_element(By.CSS_SELECTOR, ".preview-name").text == "序言部分第 9 段 · preambular paragraph 9"
    )
    pp4.refresh_from_db()
    assert "第 70/1 号决议" not in pp4.text  # nothing is saved by the preview
    console = [entry["message"] for entry in browser.get_log("browser") if "Content Security Policy" in entry["message"]]
    assert console == []
