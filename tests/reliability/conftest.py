"""Reliability suite fixtures: a sandbox per module over real HTTPS, and the CLI in a child process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from wizard.sandbox import Sandbox


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    sb = Sandbox(data_dir=tmp_path_factory.mktemp("reliability-sandbox"))
    sb.start()
    yield sb
    sb.stop()


@pytest.fixture(autouse=True)
def _faults_cleared(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "sandbox" in request.fixturenames:
        sb = request.getfixturevalue("sandbox")
        sb.faults.clear()
        # A request a fault left hanging is logged when it ends: let it end before the next test counts.
        assert sb.request_log_idle(timeout=60), "a sandbox request was still running 60 s after the test"
