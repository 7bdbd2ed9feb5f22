"""The report in a real browser: headless Chromium loads it with no console error and draws the
charts, the table of every council sorts and filters, and a council's link shows its page alone.

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
from tests.test_report import make_councils_db, make_small_db

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


def _chrome(tmp_path: Path, *, script: bool = True):
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser test cannot run on CI: {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tmp_path / ("chromium-profile" if script else "chromium-profile-no-script")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1200,1000", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    if not script:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)


@pytest.fixture
def driver(tmp_path):
    chrome = _chrome(tmp_path)
    try:
        yield chrome
    finally:
        chrome.quit()


@pytest.fixture(scope="module")
def shared_driver(tmp_path_factory):
    """One browser for the tests of the table, each loading the page afresh."""
    chrome = _chrome(tmp_path_factory.mktemp("chromium"))
    try:
        yield chrome
    finally:
        chrome.quit()


@pytest.fixture(scope="module")
def councils_page(tmp_path_factory) -> Path:
    """The page of every council of tests.test_report.COUNCIL_GRADES."""
    folder = tmp_path_factory.mktemp("councils")
    with duckdb.connect(str(make_councils_db(folder / "councils.duckdb")), read_only=True) as con:
        page = folder / "report.html"
        page.write_text(build_report(con, written_in=folder), encoding="utf-8")
    return page


@pytest.fixture
def table_driver(shared_driver, councils_page):
    shared_driver.get_log("browser")  # read, and so emptied: what is in it is the last test's
    shared_driver.get(councils_page.as_uri())
    return shared_driver


@pytest.fixture
def driver_without_script(tmp_path):
    chrome = _chrome(tmp_path, script=False)
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


def _render(driver, tmp_path: Path, council: str | None, make_db=make_small_db) -> Path:
    db = make_db(tmp_path / "report.duckdb")
    with duckdb.connect(str(db), read_only=True) as con:
        page = tmp_path / "report.html"
        page.write_text(build_report(con, council, written_in=tmp_path), encoding="utf-8")
    driver.get(page.as_uri())
    return page


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
    assert _console_errors(driver) == []
    _save_screenshot(driver, tmp_path, "report-all.png")


def _names(driver) -> list[str]:
    """The councils of the table's rows that are shown, top to bottom."""
    from selenium.webdriver.common.by import By

    return [row.find_element(By.CSS_SELECTOR, "th a").text
            for row in driver.find_elements(By.CSS_SELECTOR, "#councils-table tbody tr") if row.is_displayed()]


def _sort_by(driver, heading: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.XPATH, f'//table[@id="councils-table"]//th/button[normalize-space()="{heading}"]').click()


# Clicks on column headings, in turn, and the order of the councils after each (COUNCIL_GRADES:
# overall Stockton 2, Hartlepool 4, Leeds 3, Kent 1, Surrey 3; care leavers Leeds and Surrey none).
SORTS = [
    ([], ["Hartlepool", "Kent", "Leeds", "Stockton-on-Tees", "Surrey"]),
    (["Local authority"], ["Hartlepool", "Kent", "Leeds", "Stockton-on-Tees", "Surrey"]),
    (["Local authority", "Local authority"], ["Surrey", "Stockton-on-Tees", "Leeds", "Kent", "Hartlepool"]),
    (["Overall effectiveness"], ["Kent", "Stockton-on-Tees", "Leeds", "Surrey", "Hartlepool"]),
    (["Overall effectiveness", "Overall effectiveness"], ["Hartlepool", "Leeds", "Surrey", "Stockton-on-Tees", "Kent"]),
    # councils with no grade come last whichever way
    (["Care leavers"], ["Kent", "Hartlepool", "Stockton-on-Tees", "Leeds", "Surrey"]),
    (["Care leavers", "Care leavers"], ["Hartlepool", "Stockton-on-Tees", "Kent", "Leeds", "Surrey"]),
    # ties keep the order before: a sort by region keeps the names in order within a region
    (["Ofsted region"], ["Hartlepool", "Leeds", "Stockton-on-Tees", "Kent", "Surrey"]),
    (["Inspection date"], ["Stockton-on-Tees", "Hartlepool", "Kent", "Leeds", "Surrey"]),
]


@pytest.mark.parametrize(("clicks", "order"), SORTS)
def test_the_table_of_every_council_sorts_by_a_heading(table_driver, clicks, order):
    from selenium.webdriver.common.by import By

    driver = table_driver
    for heading in clicks:
        _sort_by(driver, heading)
    assert _names(driver) == order
    if clicks:
        sorted_header = driver.find_element(By.CSS_SELECTOR, "#councils-table th[aria-sort]")
        assert sorted_header.text.startswith(clicks[-1])
        assert sorted_header.get_attribute("aria-sort") == ("descending" if len(clicks) % 2 == 0 else "ascending")
    assert _console_errors(driver) == []


# (text typed, region, judgement, grade) -> the councils shown
FILTERS = [
    (("kent", "", "overall_effectiveness", ""), ["Kent"]),
    (("SOUTH", "", "overall_effectiveness", ""), ["Kent", "Surrey"]),
    (("2025", "", "overall_effectiveness", ""), ["Kent", "Leeds", "Surrey"]),
    # every word typed must be in the row
    (("2025 south", "", "overall_effectiveness", ""), ["Kent", "Surrey"]),
    (("", "North East, Yorkshire and the Humber", "overall_effectiveness", ""), ["Hartlepool", "Leeds", "Stockton-on-Tees"]),
    (("", "", "overall_effectiveness", "good"), ["Hartlepool", "Leeds", "Surrey"]),
    (("", "", "overall_effectiveness", "1"), ["Kent"]),
    (("", "", "care_leavers", "none"), ["Leeds", "Surrey"]),
    (("", "", "impact_of_leaders", "4"), ["Hartlepool", "Leeds"]),
    (("", "South East", "overall_effectiveness", "good"), ["Surrey"]),
    (("", "South East", "care_leavers", "2"), ["Kent"]),
    (("nowhere", "", "overall_effectiveness", ""), []),
]


@pytest.mark.parametrize(("filters", "shown"), FILTERS)
def test_the_table_of_every_council_filters(table_driver, filters, shown):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = table_driver
    text, region, column, grade = filters
    controls = driver.find_element(By.CSS_SELECTOR, "form.table-controls")
    assert controls.is_displayed()
    controls.find_element(By.CSS_SELECTOR, '[data-filter="text"]').send_keys(text)
    Select(controls.find_element(By.CSS_SELECTOR, '[data-filter="region"]')).select_by_value(region)
    Select(controls.find_element(By.CSS_SELECTOR, '[data-filter="column"]')).select_by_value(column)
    Select(controls.find_element(By.CSS_SELECTOR, '[data-filter="grade"]')).select_by_value(grade)
    assert _names(driver) == shown
    status = controls.find_element(By.CSS_SELECTOR, "[data-filter-status]").text
    assert status == f"Showing {len(shown)} of 5 councils"
    # a sort keeps the filter
    _sort_by(driver, "Local authority")
    _sort_by(driver, "Local authority")
    assert _names(driver) == shown[::-1]
    assert _console_errors(driver) == []


def test_a_councils_link_shows_its_page_alone(table_driver, tmp_path):
    from selenium.webdriver.common.by import By

    driver = table_driver
    assert not driver.find_element(By.ID, "council-kent").is_displayed()
    driver.find_element(By.LINK_TEXT, "Kent").click()
    assert driver.find_element(By.ID, "council-kent").is_displayed()
    assert not driver.find_element(By.ID, "councils-table").is_displayed()
    assert not driver.find_element(By.ID, "council-leeds").is_displayed()
    history = driver.find_elements(By.CSS_SELECTOR, "#council-kent tr[data-inspection-id]")
    assert len(history) == 1
    _save_screenshot(driver, tmp_path, "report-all-kent.png")
    driver.find_element(By.LINK_TEXT, "← Every council").click()
    assert driver.find_element(By.ID, "councils-table").is_displayed()
    assert not driver.find_element(By.ID, "council-kent").is_displayed()


def test_without_script_the_table_is_whole_and_links_still_work(driver_without_script, tmp_path):
    from selenium.webdriver.common.by import By

    driver = driver_without_script
    _render(driver, tmp_path, None, make_councils_db)
    assert _names(driver) == ["Hartlepool", "Kent", "Leeds", "Stockton-on-Tees", "Surrey"]
    assert not driver.find_element(By.CSS_SELECTOR, "form.table-controls").is_displayed()
    assert driver.find_elements(By.CSS_SELECTOR, "th button.sort") == []
    driver.find_element(By.LINK_TEXT, "Leeds").click()
    assert driver.find_element(By.ID, "council-leeds").is_displayed()
    assert len(driver.find_elements(By.CSS_SELECTOR, "#council-leeds tr[data-inspection-id]")) == 2
