"""Shared test configuration: keep tests offline and deterministic."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

# Hypothesis' per-example deadline and its too-slow health check are wall-clock assertions: a loaded 2-core
# machine fails them at random. Examples are bounded by max_examples instead.
settings.register_profile("loaded-machine", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("loaded-machine")

# Tests must never use the developer's real profiles or caches.
os.environ.setdefault("DAEMON_WIZARD_HOME", "")


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("DAEMON_WIZARD_HOME", str(home))
    monkeypatch.delenv("DAEMON_WIZARD_CLIENT_SECRET", raising=False)


@pytest.fixture(autouse=True)
def _forget_remembered_secrets() -> Iterator[None]:
    """The redactor remembers every Secret the process made; a test's values must not mask the next's."""
    yield
    from wizard.redact import forget_all

    forget_all()
