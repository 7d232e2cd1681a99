"""The scenario's `[tenants.writes]` table and the app management policy checks of password credentials."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from wizard.errors import ConfigFileError
from wizard.sandbox.graph_policy import PolicyViolation, WriteSettings, WriteSpec, check_password
from wizard.sandbox.scenario import scenario_from_dict

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)


def _tenant(**writes: Any) -> dict[str, Any]:
    tenant: dict[str, Any] = {
        "name": "t",
        "id": "11111111-1111-1111-1111-111111111111",
        "domain": "t.example",
    }
    if writes:
        tenant["writes"] = writes
    return {"tenants": [tenant]}


def test_writes_table_sets_the_tenant_switches() -> None:
    spec = (
        scenario_from_dict(
            _tenant(
                users_can_register_apps=False,
                password_credentials=False,
                max_password_lifetime_days=90,
                replication_lag=3,
            )
        )
        .tenants[0]
        .writes
    )
    assert spec == WriteSpec(False, False, 90, 3)
    assert scenario_from_dict(_tenant()).tenants[0].writes == WriteSpec()


@pytest.mark.parametrize(
    ("writes", "says"),
    [
        ({"users_can_register_apps": "no"}, "must be true or false"),
        ({"replication_lag": -1}, "whole number"),
        ({"max_password_lifetime_days": 1.5}, "whole number"),
        ({"replication_lag_ms": 5}, "unknown setting 'replication_lag_ms'"),
    ],
)
def test_bad_writes_tables_are_config_errors(writes: dict[str, Any], says: str) -> None:
    with pytest.raises(ConfigFileError, match=says):
        scenario_from_dict(_tenant(**writes))


def test_secret_policy_forbids_or_caps_lifetime() -> None:
    settings = WriteSettings(WriteSpec())
    check_password(settings, NOW, NOW + dt.timedelta(days=730))
    settings.update(max_password_lifetime_days=180)
    check_password(settings, NOW, NOW + dt.timedelta(days=180))
    with pytest.raises(PolicyViolation) as long:
        check_password(settings, NOW, NOW + dt.timedelta(days=181))
    assert long.value.code == "CredentialInvalidLifetimeAsPerAppPolicy"
    settings.update(password_credentials=False)
    with pytest.raises(PolicyViolation) as none:
        check_password(settings, NOW, NOW + dt.timedelta(days=1))
    assert none.value.code == "CredentialTypeNotAllowedAsPerAppPolicy"
