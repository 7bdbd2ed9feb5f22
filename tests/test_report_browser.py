"""The report in a real browser: headless Chromium loads it with no console error and draws the charts.

Needs /usr/bin/chromium, /usr/bin/chromedriver (Debian: ``apt-get install chromium chromium-driver``,
see scripts/install-system-packages.sh) and selenium; skipped without them, except on CI (env CI
set), where a missing browser fails. Saves a screenshot under tmp_path and, when
OFSTED_SCREENSHOT_DIR is set, there too.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from outputs.report import build_report
from tests.test_report import make_small_db

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

pytestmark = pytest.mark.browser


def _missing() -> str | None:
    for binary in (CHROMIUM, CHROMEDRIVER):
        if not binary.exists():
            return f"{binary} is missing (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install selenium)"
    return None


@pytest.fixture
def driver(tmp_path):
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser test cannot run on CI: {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1200,1000", f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    chrome = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield chrome
    finally:
        chrome.quit()


def _save_screenshot(driver, tmp_path: Path, name: str) -> Path:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1200, min(int(height) + 120, 8000))
    shot = tmp_path / name
    assert driver.save_screenshot(str(shot)), "screenshot failed"
    assert shot.stat().st_size > 10_000
    if os.environ.get("OFSTED_SCREENSHOT_DIR"):
        target = Path(os.environ["OFSTED_SCREENSHOT_DIR"])
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, target / name)
    return shot


def _render(driver, tmp_path: Path, council: str | None) -> None:
    db = make_small_db(tmp_path / "small.duckdb")
    with duckdb.connect(str(db), read_only=True) as con:
        page = tmp_path / "report.html"
        page.write_text(build_report(con, council), encoding="utf-8")
    driver.get(page.as_uri())


def _console_errors(driver) -> list[dict]:
    return [entry for entry in driver.get_log("browser") if entry.get("level") in ("SEVERE", "ERROR")]


def test_council_report_renders_in_chromium(driver, tmp_path):
    from selenium.webdriver.common.by import By

    _render(driver, tmp_path, "Stockton-on-Tees")
    assert driver.title == "Ofsted judgements: Stockton-on-Tees"
    timeline = driver.find_element(By.CSS_SELECTOR, "svg.chart.timeline")
    box = driver.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.width, r.height];",
                                timeline)
    assert box[0] > 300 and box[1] > 100, f"timeline box {box}"
    points = timeline.find_elements(By.CSS_SELECTOR, "circle.point")
    assert len(points) == 9
    sizes = [driver.execute_script("const r = arguments[0].getBoundingClientRect(); return r.width * r.height;", p)
             for p in points]
    assert all(size > 0 for size in sizes)
    bars = driver.find_element(By.CSS_SELECTOR, "svg.chart.bars")
    assert bars.size["width"] > 100 and bars.size["height"] > 100
    assert len(bars.find_elements(By.CSS_SELECTOR, "rect.segment")) == 6
    assert _console_errors(driver) == []
    _save_screenshot(driver, tmp_path, "report-council.png")


def test_report_of_every_council_renders_in_chromium(driver, tmp_path):
    from selenium.webdriver.common.by import By

    _render(driver, tmp_path, None)
    link = driver.find_element(By.CSS_SELECTOR, 'a[href="#council-stockton-on-tees"]')
    assert link.text == "Stockton-on-Tees"
    assert len(driver.find_elements(By.CSS_SELECTOR, "svg.chart.timeline circle.point")) == 9
    assert _console_errors(driver) == []
    _save_screenshot(driver, tmp_path, "report-all.png")
