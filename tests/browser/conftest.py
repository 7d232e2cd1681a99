"""Real-browser tests: every test here carries the `browser` marker and gets a chromium `person`.

Without chromium (or its driver, or selenium) they skip with a loud reason; with DAEMON_WIZARD_REQUIRE_BROWSER=1
(set by .ci/run, which installs the browser) they fail instead, so CI can never pass without running them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.chromium import REQUIRE, Person, missing
from tests.integration.delegated_helpers import private_sandbox
from wizard.sandbox import Sandbox

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def need_browser() -> None:
    why = missing()
    if why is None:
        return
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{REQUIRE}=1 but no real browser can run: {why}", pytrace=False)
    pytest.skip(f"!!! REAL-BROWSER TEST NOT RUN: {why} (set {REQUIRE}=1 to make this a failure)")


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """A sandbox of this module's own: consent given in a browser must not reach other tests."""
    need_browser()
    yield from private_sandbox(tmp_path_factory, "browser")


@pytest.fixture
def chromium(sb: Sandbox) -> Iterator[Person]:
    """A fresh chromium profile per test (no cookies from the last sign-in), trusting only the sandbox's key."""
    need_browser()
    who = Person(trust_base_url=sb.base_url)
    yield who
    who.close()
