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
        request.getfixturevalue("sandbox").faults.clear()
