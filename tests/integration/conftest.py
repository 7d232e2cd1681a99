"""Integration fixtures: one sandbox tenant per session over real HTTPS, and clients that trust its CA."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
import requests

from wizard.sandbox import Sandbox
from wizard.sandbox.trust import httpx_client, requests_session


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """The shared sandbox (default scenario). Don't change its state; use `make_sandbox` for that."""
    sb = Sandbox(data_dir=tmp_path_factory.mktemp("sandbox-data"))
    sb.start()
    yield sb
    sb.stop()


@pytest.fixture(autouse=True)
def _sandbox_faults_cleared(request: pytest.FixtureRequest) -> Iterator[None]:
    """Faults injected by one test never leak into the next."""
    yield
    if "sandbox" in request.fixturenames:
        request.getfixturevalue("sandbox").faults.clear()


@pytest.fixture
def make_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Sandbox]]:
    """A private sandbox per test, for tests that grant consent, expire secrets or break things."""
    started: list[Sandbox] = []

    def factory(**kwargs: object) -> Sandbox:
        kwargs.setdefault("data_dir", tmp_path_factory.mktemp("sandbox-private"))
        sb = Sandbox(**kwargs)  # type: ignore[arg-type]
        sb.start()
        started.append(sb)
        return sb

    yield factory
    for sb in started:
        sb.stop()


@pytest.fixture
def sandbox_session(sandbox: Sandbox) -> Iterator[requests.Session]:
    """msal's http_client: verify the sandbox CA and ignore REQUESTS_CA_BUNDLE (trust_env=False)."""
    session = requests_session(sandbox.ca_file)
    yield session
    session.close()


@pytest.fixture
def sandbox_http(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx_client(sandbox.ca_file, timeout=10) as client:
        yield client
