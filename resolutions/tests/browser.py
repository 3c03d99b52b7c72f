"""Debian's chromium, headless, driven by selenium: one way to start it for every browser test and bench/a11y."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
MISSING_CHROMIUM = "needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)"

# Marks for a module of browser tests: they skip, saying why, only where chromium is not installed.
BROWSER_TEST_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason=MISSING_CHROMIUM),
]


def start_chromium(*, width: int = 1280, height: int = 1000, lang: str = "zh-CN", profile: Path | None = None):
    """A headless chromium that makes no network connection of its own (this machine has none)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--lang={lang}",
        f"--window-size={width},{height}",
    ):
        options.add_argument(argument)
    if profile is not None:
        options.add_argument(f"--user-data-dir={profile}")
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
