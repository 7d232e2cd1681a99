"""How `register plan` reads the app management policy: ISO durations, disabled restrictions, and the date
from which a restriction applies (a new app always, an older one not)."""

from __future__ import annotations

from typing import Any

import pytest

from wizard.admin.plan import Step
from wizard.admin.plan_policies import PolicyReadings, duration_days, policy_step, secret_rules


@pytest.mark.parametrize(
    ("iso", "days"),
    [("P90D", 90), ("P1Y", 365), ("P2W", 14), ("PT36H", 1), ("P30DT12H", 30), ("", None), ("90 days", None)],
)
def test_durations(iso: str, days: int | None) -> None:
    assert duration_days(iso) == days


def policy(*restrictions: dict[str, Any], enabled: bool = True) -> dict[str, Any]:
    return {"isEnabled": enabled, "applicationRestrictions": {"passwordCredentials": list(restrictions)}}


LIFETIME = {"restrictionType": "passwordLifetime", "maxLifetime": "P30D", "state": "enabled"}
ADDITION = {"restrictionType": "passwordAddition", "state": "enabled"}


def test_restrictions_apply_to_new_apps_and_to_apps_made_since_their_date() -> None:
    since = {**ADDITION, "restrictForAppsCreatedAfterDateTime": "2025-01-01T00:00:00Z"}
    assert secret_rules(policy(since), None) == (True, None)
    assert secret_rules(policy(since), {"createdDateTime": "2024-06-01T00:00:00Z"}) == (False, None)
    assert secret_rules(policy(since), {"createdDateTime": "2025-06-01T00:00:00Z"}) == (True, None)
    assert secret_rules(policy(LIFETIME, ADDITION, enabled=False), None) == (False, None)
    assert secret_rules(policy({**ADDITION, "state": "disabled"}, LIFETIME), None) == (False, 30)


def test_an_unknown_policy_is_said_not_guessed() -> None:
    step = Step("add client secret", "edw-x", "todo", "Application.ReadWrite.All", "owner", "")
    unknown = PolicyReadings(
        secrets_unknown="reading it needs Policy.Read.All, which the wizard does not request"
    )
    out = policy_step(step, unknown, may_register=True, secret_days=180, passwords=0, rotate=False)
    assert out.status == "todo" and "180 days" in out.reason and "unknown" in out.reason
    capped = policy_step(
        step,
        PolicyReadings(secrets_blocked=False, secret_max_days=60),
        may_register=True,
        secret_days=180,
        passwords=0,
        rotate=False,
    )
    assert "60 days, capped by tenant policy" in capped.reason and "unknown" not in capped.reason
