"""`register apply`: execute a registration plan on the tenant, idempotently, add-only, journaled.

Public surface (the CLI and the TUI use only this): `apply(plan, token, options, progress=...)` returns an
ApplyResult; `ProgressEvent`s report each step as it starts, ends, waits or fails. A Graph refusal becomes a
finding (wizard.diagnosis.rules_tenant_writes), never a traceback.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets as _random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.admin.apply_credentials import add_certificate, add_secret, remove_old
from wizard.admin.graph_writes import AppObject, AppRoleSpec, GraphWriter, role_models
from wizard.admin.journal import Entry, Journal
from wizard.admin.registration import RegistrationPlan, fingerprint, make_plan
from wizard.admin.retry import RetryClass, RetryPolicy
from wizard.admin.tenant_reads import GRAPH_APP_ID, GraphReader
from wizard.diagnosis.model import Finding
from wizard.errors import FileExistsRefusal, GraphWriteError, UsageError, WizardError
from wizard.live.http import SYSTEM_CLOCK, Clock, HttpSettings
from wizard.live.trace import Trace
from wizard.secret import Secret

if TYPE_CHECKING:
    import httpx

    from wizard.admin.identity import AdminToken


@dataclass(frozen=True)
class ProgressEvent:
    """One step's news: status is start | done | skipped | waiting | failed | unproven (verify only)."""

    step: str
    target: str
    status: str
    detail: str = ""


Progress = Callable[[ProgressEvent], None]


@dataclass
class ApplyOptions:
    """Where files go and how far to go; `clock` and `transport` are the test seams."""

    journal_path: Path
    secret_out: Path | None = None
    certificate_dir: Path | None = None
    authority_host: str = "https://login.microsoftonline.com"
    ca_file: str | None = None
    verify: bool = True
    verify_timeout: float = 180.0
    doctor: bool = True
    timeout: float = 600.0
    clock: Clock = SYSTEM_CLOCK
    retry: RetryPolicy | None = None
    #: The federated credential's proof: the external token's file or command (else minted on the sandbox).
    federated_token_file: str | None = None
    federated_token_command: str | None = None
    transport: httpx.AsyncBaseTransport | None = None
    trace: Trace = field(default_factory=Trace)


@dataclass
class ApplyResult:
    """What the run did; `to_dict()` is `register apply --json` (cli.md)."""

    client_id: str = ""
    tenant_id: str = ""
    object_id: str = ""
    secret_file: str | None = None
    secret_masked: str | None = None
    certificate: dict[str, Any] | None = None
    created: list[Entry] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    journal: str = ""
    verified: bool | None = None
    doctor: dict[str, Any] | None = None
    retries: list[dict[str, Any]] = field(default_factory=list)
    #: The own API's App ID URI (the daemon's token audience), when --resource named one.
    api_resource: str | None = None
    #: The federated credential as written (name, issuer, subject, audience, id), and how to prove it.
    federated_credential: dict[str, Any] | None = None
    federated_token_file: str | None = None
    prove_with: str | None = None
    #: workforce | external, and the authority a daemon configures (https://<subdomain>.ciamlogin.com/...).
    tenant_type: str = "workforce"
    authority: str = ""
    #: The new secret itself, for the token proof only (never in to_dict, masked in repr).
    secret: Secret | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        # Not proven (replication-pending) is not ok either: a script must not use the app yet.
        return self.verified is not False and not any(f.severity == "error" for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "tenant_id": self.tenant_id,
            "object_id": self.object_id,
            "secret_file": self.secret_file,
            "created": [e.to_dict() for e in self.created],
            "findings": [f.to_dict() for f in self.findings],
            "changed": self.changed,
            "secret": self.secret_masked,
            "certificate": self.certificate,
            "journal": self.journal,
            "verified": self.verified,
            "doctor": self.doctor,
            "retries": self.retries,
            "api_resource": self.api_resource,
            "federated_credential": self.federated_credential,
            "federated_token_file": self.federated_token_file,
            "prove_with": self.prove_with,
            "tenant_type": self.tenant_type,
            "authority": self.authority,
        }


class StalePlan(WizardError):
    default_title = "The tenant changed since this plan was made"


def check_fresh(plan: RegistrationPlan, reader: GraphReader, token: AdminToken) -> RegistrationPlan:
    """Read the tenant again; the new plan when it still matches, else StalePlan."""
    now = make_plan(reader, token.identity, plan.request, graph_url=plan.graph_url)
    if now.fingerprint != plan.fingerprint or fingerprint(now.facts, now.api_app) != plan.fingerprint:
        raise StalePlan(
            hint="Someone (or another run) changed the app, its credentials, permissions or grants after the "
            "plan was read. Run `register plan` again, read it, then apply the new plan."
        )
    return now


class _Run:
    """One execution: the writer, the retry policy, the journal and the result being built."""

    def __init__(
        self, plan: RegistrationPlan, writer: GraphWriter, options: ApplyOptions, progress: Progress
    ) -> None:
        self.plan = plan
        self.req = plan.request
        self.writer = writer
        self.options = options
        self.progress = progress
        self.policy = options.retry or RetryPolicy(clock=options.clock)
        self.journal = Journal.open(
            options.journal_path,
            tenant_id=plan.tenant_id,
            graph_url=plan.graph_url,
            unique_name=self.req.name or "",
        )
        self.result = ApplyResult(tenant_id=plan.tenant_id, journal=str(options.journal_path))
        self.fresh: set[str] = set()  # object ids and appIds this run created

    def say(self, step: str, target: str, status: str, detail: str = "") -> None:
        self.progress(ProgressEvent(step, target, status, detail))

    def record(self, entry: Entry) -> None:
        self.result.created.append(self.journal.add(entry))
        self.fresh.update(x for x in (entry.object_id, entry.app_id) if x)

    async def call(
        self, what: str, op: Callable[[], Any], *, about: str = "", repeatable: bool = True
    ) -> Any:
        def waiting(label: str, kind: RetryClass, seconds: float) -> None:
            self.result.retries.append({"step": label, "class": kind.value, "wait_s": round(seconds, 2)})
            self.say(label, about, "waiting", f"{kind.value}: retrying in {seconds:.1f} s")

        return await self.policy.run(
            what, op, fresh=about in self.fresh, repeatable=repeatable, on_wait=waiting
        )

    # the steps -----------------------------------------------------------------------------------------

    async def own_api(self) -> tuple[str, str, dict[str, str]]:
        """The team's API: registration, App ID URI, app roles, service principal. (appId, sp id, value->id)."""
        name = str(self.req.resource)
        self.say("create API registration", name, "start")
        api = self.plan.api_app
        if api is None:
            app, created = await self.call(
                "create API registration",
                lambda: self.writer.upsert_app(name, display_name=name, token_version=2),
            )
            if created:
                self.record(Entry("application", app.object_id, app_id=app.app_id, label=f"API {name}"))
        else:
            app = await self.call("read API registration", lambda: self.writer.get_app(str(api["id"])))
        self.say("create API registration", name, "done", f"appId {app.app_id}")
        oid = app.object_id
        self.result.api_resource = app.identifier_uris[0] if app.identifier_uris else None
        if not app.identifier_uris:
            uri = (self.req.identifier_uri or "api://{appId}").replace("{appId}", app.app_id)
            self.say("set App ID URI", uri, "start")
            await self.call(
                "set App ID URI", lambda: self.writer.patch_app(oid, identifier_uris=[uri]), about=oid
            )
            self.result.changed.append(f"identifierUris of {name}")
            self.result.api_resource = uri
            self.say("set App ID URI", uri, "done")
        have = {r.value: r.id for r in app.app_roles}
        missing = [v for v in self.req.roles if v not in have]
        if missing:
            self.say("add app role", f"{name} {', '.join(missing)}", "start")
            raw = await self.call("read API registration", lambda: self.writer.raw_app(oid), about=oid)
            new = [AppRoleSpec(v, str(uuid.uuid4()), v) for v in missing]
            models = list(raw.app_roles or []) + role_models(new)
            await self.call("add app role", lambda: self.writer.patch_app(oid, app_roles=models), about=oid)
            have.update({r.value: r.id for r in new})
            self.result.changed.append(f"appRoles of {name}: {', '.join(missing)}")
            self.say("add app role", f"{name} {', '.join(missing)}", "done")
        sp_id = await self.service_principal(app.app_id, name, known=self.plan.facts.resource)
        return app.app_id, sp_id, have

    async def service_principal(self, app_id: str, label: str, *, known: dict[str, Any] | None) -> str:
        step = (
            "create service principal"
            if label == self.req.name or not self.req.resource
            else "create API service principal"
        )
        if known and known.get("id") and str(known.get("appId", "")).lower() == app_id.lower():
            self.say(step, label, "skipped", "exists")
            return str(known["id"])
        self.say(step, label, "start")
        sp_id, created = await self.call(step, lambda: self.writer.upsert_sp(app_id), about=app_id)
        if created:
            self.record(Entry("service_principal", sp_id, app_id=app_id, label=label))
        self.say(step, label, "done", sp_id)
        return str(sp_id)

    async def daemon_app(self) -> AppObject:
        name = self.req.name or self.req.app_id or ""
        self.say("create application", name, "start")
        facts_app = self.plan.facts.app
        if facts_app is not None:
            oid = str(facts_app["id"])
            app: AppObject = await self.call("read application", lambda: self.writer.get_app(oid))
            self.say("create application", name, "skipped", f"exists: appId {app.app_id}")
            return app
        if self.req.app_id:
            raise UsageError(f"No application with appId {self.req.app_id} in this tenant")
        display = self.req.display_name or name
        app, created = await self.call(
            "create application", lambda: self.writer.upsert_app(name, display_name=display)
        )
        if created:
            self.record(Entry("application", app.object_id, app_id=app.app_id, label=name))
        self.say("create application", name, "done", f"appId {app.app_id}")
        return app

    async def permissions(self, app: AppObject, resource_app_id: str, role_ids: dict[str, str]) -> None:
        wanted = {role_ids[v] for v in self.req.roles}
        have = set(app.roles_requested.get(resource_app_id.lower(), frozenset()))
        if wanted <= have:
            self.say("add application permission", ", ".join(self.req.roles), "skipped", "configured")
            return
        merged = {k: sorted(v) for k, v in app.roles_requested.items()}
        merged[resource_app_id.lower()] = sorted(have | wanted)
        self.say("add application permission", ", ".join(self.req.roles), "start")
        oid = app.object_id
        await self.call(
            "add application permission", lambda: self.writer.patch_app(oid, requested=merged), about=oid
        )
        self.result.changed.append("requiredResourceAccess")
        self.say("add application permission", ", ".join(self.req.roles), "done")

    async def consent(
        self, sp_id: str, resource_sp_id: str, role_ids: dict[str, str], resource_app_id: str
    ) -> None:
        granted = {
            str(a.get("appRoleId"))
            for a in self.plan.facts.assignments
            if str(a.get("resourceId", "")).lower() == resource_sp_id.lower()
        }
        for value in self.req.roles:
            role_id = role_ids[value]
            if role_id in granted:
                self.say("grant admin consent", value, "skipped", "granted")
                continue
            self.say("grant admin consent", value, "start")
            try:
                assignment = await self.call(
                    "grant admin consent",
                    partial(self.writer.assign, resource_sp_id, sp_id, role_id),
                    about=sp_id,
                )
            except GraphWriteError as exc:
                from wizard.admin.retry import classify

                if classify(exc, fresh=False) is RetryClass.ALREADY:
                    self.say("grant admin consent", value, "done", "already granted")
                    continue
                self.fail("grant admin consent", value, exc, resource_app_id=resource_app_id)
                continue
            self.record(Entry("app_role_assignment", str(assignment), parent=resource_sp_id, label=value))
            self.say("grant admin consent", value, "done")

    def fail(self, step: str, target: str, exc: WizardError, **context: str) -> None:
        from wizard.diagnosis.rules_tenant_writes import findings_for_write

        roles = [str(r) for r in self.plan.signed_in.get("roles") or []]
        found = findings_for_write(exc, step=step, roles=roles, own_api=bool(self.req.resource), **context)
        self.result.findings.extend(found)
        self.say(step, target, "failed", exc.title)

    async def run(self) -> ApplyResult:
        step = "create application"
        try:
            resource_app_id, resource_sp_id = GRAPH_APP_ID, ""
            role_ids: dict[str, str] = {}
            if self.req.resource:
                step = "create API registration"
                resource_app_id, resource_sp_id, role_ids = await self.own_api()
            else:
                resource = self.plan.facts.resource or {}
                resource_sp_id = str(resource.get("id") or "")
                role_ids = {str(r.get("value")): str(r.get("id")) for r in resource.get("appRoles") or []}
            unknown = [v for v in self.req.roles if v not in role_ids]
            if unknown:
                raise UsageError(
                    f"{'Microsoft Graph' if not self.req.resource else self.req.resource} has no application "
                    f"permission named {', '.join(unknown)}",
                    hint="Check the spelling (e.g. User.Read.All); nothing was changed for it.",
                )
            step = "create application"
            app = await self.daemon_app()
            self.result.client_id, self.result.object_id = app.app_id, app.object_id
            step = "create service principal"
            sp_id = await self.service_principal(
                app.app_id, self.req.name or app.app_id, known=self.plan.facts.service_principal
            )
            if self.req.roles:
                step = "add application permission"
                await self.permissions(app, resource_app_id, role_ids)
                await self.consent(sp_id, resource_sp_id, role_ids, resource_app_id)
            step = "add credential"
            old = await add_credential(self, app)
            if old is not None and self.req.rotate:
                await remove_old(self, app, old)
        except GraphWriteError as exc:
            self.fail(step, self.req.name or "", exc)
        return self.result


async def add_credential(run: _Run, app: AppObject) -> list[str] | None:
    """Add the requested credential; the key ids it may replace (for --rotate), None when nothing added."""
    if run.req.credential == "secret":
        return await add_secret(run, app)
    if run.req.credential == "certificate":
        return await add_certificate(run, app)
    if run.req.credential == "federated":
        from wizard.admin.apply_federated import add_federated

        await add_federated(run, app)
    return None


def will_add_secret(plan: RegistrationPlan) -> bool:
    """True when apply adds a secret: none exists yet, or --rotate."""
    if plan.request.credential != "secret":
        return False
    req = plan.request
    return req.rotate or req.add_new or not (plan.facts.app or {}).get("passwordCredentials")


def run_label() -> str:
    """A display name for what this run adds, unique enough to find it again (addPassword reconcile)."""
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"edw {stamp} {_random.token_hex(2)}"


def apply(
    plan: RegistrationPlan,
    token: AdminToken,
    options: ApplyOptions,
    *,
    progress: Progress | None = None,
    check_stale: bool = True,
) -> ApplyResult:
    """Execute `plan` with the admin's `token`: refuses a stale plan, then each step, then verification.

    Blocking (msal, msgraph-sdk through asyncio.run): call it from a worker thread in a UI.
    """
    report: Progress = progress or (lambda event: None)
    out = options.secret_out
    if out is not None and will_add_secret(plan) and out.expanduser().exists():
        raise FileExistsRefusal(
            str(out), hint="A secret is written once and never over another file: give a new --secret-out."
        )
    settings = HttpSettings.bounded(options.timeout, ca_file=options.ca_file, clock=options.clock)
    if check_stale:
        reader = GraphReader(token, graph_url=plan.graph_url, settings=settings, trace=options.trace)
        try:
            check_fresh(plan, reader, token)
        finally:
            reader.close()

    async def go() -> ApplyResult:
        writer = GraphWriter(
            token.access_token,
            graph_url=plan.graph_url,
            settings=HttpSettings.bounded(options.timeout, ca_file=options.ca_file, clock=options.clock),
            trace=options.trace,
            transport=options.transport,
        )
        try:
            return await _Run(plan, writer, options, report).run()
        finally:
            await writer.aclose()

    result = asyncio.run(go())
    from wizard.admin.verify_federated import describe_tenant, federated_source

    describe_tenant(plan, result, options)
    proof_possible = result.secret is not None or bool((result.certificate or {}).get("key_path"))
    if plan.request.federated is not None and result.ok and result.client_id:
        proof_possible = federated_source(plan, result, options)
    if result.ok and options.verify and result.client_id and proof_possible:
        from wizard.admin.verify import prove

        prove(plan, result, options, report)
    elif result.ok and options.verify and result.client_id and result.prove_with is None:
        # No credential of this run to present (consent only, or a certificate without its key): say how
        # to prove it with the app's own, rather than claim it works.
        result.prove_with = (
            f"daemon-wizard doctor --tenant {result.tenant_id} --client-id {result.client_id} "
            "--secret-file PATH (or --certificate PATH --key PATH): the app's existing credential"
        )
        report(ProgressEvent("verify", result.client_id, "unproven", "no credential of this run to present"))
    return result
