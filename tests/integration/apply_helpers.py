"""Shared by the `register apply` tests on the sandbox: an admin of a tenant signed in through the sign-in
form, the plan read with msgraph-sdk's counterpart reads, and apply run with a recording clock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.fake_clock import FakeClock
from tests.integration.graph_write_helpers import sign_in
from wizard.admin.apply import ApplyOptions, ApplyResult, ProgressEvent, apply
from wizard.admin.identity import AdminIdentity, AdminToken
from wizard.admin.registration import RegistrationPlan, RegistrationRequest, make_plan
from wizard.admin.retry import RetryPolicy
from wizard.admin.tenant_reads import GraphReader
from wizard.live.http import HttpSettings
from wizard.live.trace import Trace
from wizard.sandbox import Sandbox
from wizard.secret import Secret
from wizard.tokens.decode import decode_token


def tenant_of(sb: Sandbox, name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(t for t in sb.describe()["tenants"] if t["name"] == name)
    return found


def admin_of(sb: Sandbox, tenant: str, role: str) -> AdminToken:
    """The delegated Graph token of `tenant`'s user holding `role`, through the wizard's admin client."""
    t = tenant_of(sb, tenant)
    who = next(u for u in t["users"] if role in u["roles"])
    client = next(c["client_id"] for c in t["public_clients"] if c["name"] == "wizard-admin")
    raw = sign_in(sb.ca_file, sb.authority(tenant), client, who["user_principal_name"], who["password"])
    return AdminToken(Secret(raw), AdminIdentity.from_claims(decode_token(raw).claims), "test")


def read_plan(sb: Sandbox, token: AdminToken, request: RegistrationRequest, trace: Trace) -> RegistrationPlan:
    reader = GraphReader(
        token, graph_url=sb.base_url, settings=HttpSettings.bounded(60, ca_file=sb.ca_file), trace=trace
    )
    try:
        return make_plan(reader, token.identity, request, graph_url=sb.base_url)
    finally:
        reader.close()


def options_for(sb: Sandbox, folder: Path, *, trace: Trace, clock: FakeClock, **extra: Any) -> ApplyOptions:
    return ApplyOptions(
        journal_path=folder / "journal.json",
        secret_out=folder / "s.secret",
        authority_host=sb.base_url,
        ca_file=sb.ca_file,
        trace=trace,
        clock=clock,
        retry=RetryPolicy(clock=clock),
        verify_timeout=60,
        **extra,
    )


def run_apply(
    sb: Sandbox,
    folder: Path,
    token: AdminToken,
    request: RegistrationRequest,
    *,
    trace: Trace | None = None,
    clock: FakeClock | None = None,
    on_event: Callable[[ProgressEvent], None] | None = None,
    **extra: Any,
) -> tuple[RegistrationPlan, ApplyResult]:
    """Plan, then apply that plan; the plan too, for what the test checks of it."""
    trace = trace or Trace()
    clock = clock or FakeClock()
    plan = read_plan(sb, token, request, trace)
    options = options_for(sb, folder, trace=trace, clock=clock, **extra)
    return plan, apply(plan, token, options, progress=on_event or (lambda event: None))
