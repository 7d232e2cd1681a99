"""A registration plan as apply takes it: the request, what the tenant held when it was read (and its
fingerprint, so a stale plan is refused), the steps, and the failures predicted before any write."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from wizard.admin.identity import AdminIdentity
from wizard.admin.plan import APP_ADMIN, APP_DEV, CLOUD_APP_ADMIN, GA, WRITE, Step, plan_registration
from wizard.admin.plan_federated import FederatedRequest, federated_step, fingerprint_part, with_credentials
from wizard.admin.plan_policies import PolicyReadings, policy_step, read_policies
from wizard.admin.plan_requests import with_requests
from wizard.admin.tenant_kind import external_steps, plan_tenant
from wizard.admin.tenant_reads import GRAPH_APP_ID, GraphReader, TenantFacts, read_tenant
from wizard.errors import ApiError, UsageError
from wizard.guids import is_guid

if TYPE_CHECKING:
    from wizard.admin.identity import AdminToken
    from wizard.live.trace import Trace

DEFAULT_SECRET_DAYS = 180
_UNIQUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$")
_ROLE_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,119}$")
#: Roles that may create app registrations when "Users can register applications" is off.
REGISTER_ROLES = (GA, APP_ADMIN, CLOUD_APP_ADMIN, APP_DEV)


@dataclass(frozen=True)
class RegistrationRequest:
    """What the user asked for (flags, or the TUI's form)."""

    name: str | None = None  # the daemon's uniqueName (new or ours)
    app_id: str | None = None  # adopt an existing app by appId
    roles: tuple[str, ...] = ()
    credential: str = "secret"  # secret | certificate | federated | none
    resource: str | None = None  # the team's own API: its uniqueName (created if missing)
    identifier_uri: str | None = None  # the API's App ID URI (default api://{appId})
    secret_days: int = DEFAULT_SECRET_DAYS
    certificate: str | None = None  # a certificate file to upload (else one is generated)
    #: "Fix it now" for an expired or invalid credential: add one even though one exists (the old is kept
    #: unless `rotate`, which removes it once a token proved the new one).
    add_new: bool = False
    rotate: bool = False
    display_name: str | None = None
    #: With credential "federated": the federated identity credential to upsert.
    federated: FederatedRequest | None = None

    def __post_init__(self) -> None:
        if not self.name and not self.app_id:
            raise UsageError(
                "give --name (the app's unique name) or --app-id", hint="e.g. --name edw-orders-daemon"
            )
        if self.name and not _UNIQUE.match(self.name):
            raise UsageError(
                f"--name {self.name[:60]!r} is not a usable unique name",
                hint="Letters, digits, '.', '_' and '-', at most 120 characters, starting with a letter or digit.",
            )
        if self.app_id and not is_guid(self.app_id):
            raise UsageError(f"--app-id must be an application (client) ID, a GUID; got {self.app_id[:60]!r}")
        if self.resource and not _UNIQUE.match(self.resource):
            raise UsageError(f"--resource {self.resource[:60]!r} is not a usable unique name for the API")
        for value in self.roles:
            if not _ROLE_VALUE.match(value):
                raise UsageError(f"--role {value[:60]!r} is not an application permission's value")
        if not 1 <= self.secret_days <= 3650:
            raise UsageError("--secret-days must be between 1 and 3650")
        if self.credential not in ("secret", "certificate", "federated", "none"):
            raise UsageError(f"unknown --credential {self.credential!r}")
        if self.credential == "federated" and self.federated is None:
            raise UsageError(
                "--credential federated needs the credential's issuer and subject",
                hint="Give --federated-issuer URL and --federated-subject SUB (or --repo with --environment, "
                "--branch, --tag or --pull-request, or --namespace and --service-account).",
            )

    @property
    def api_name(self) -> str | None:
        return self.resource

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["roles"] = list(self.roles)
        return data


@dataclass(frozen=True)
class Predictions:
    """Tenant settings read for the plan; None where they could not be read (no prediction then)."""

    users_can_register: bool | None = None
    deleted_holder: str | None = None  # object id of a deleted app holding the unique name
    secrets_blocked: bool = False
    secret_max_days: int | None = None
    verified_domains: tuple[str, ...] = ()
    #: The tenant policies as read (wizard.admin.plan_policies), with why a setting is unknown.
    policies: PolicyReadings = field(default_factory=PolicyReadings)


@dataclass(frozen=True)
class RegistrationPlan:
    """The plan `register apply` executes: what `register plan` prints, re-read and checked for staleness."""

    request: RegistrationRequest
    facts: TenantFacts
    api_app: dict[str, Any] | None
    steps: list[Step]
    predictions: Predictions
    fingerprint: str
    tenant_id: str
    graph_url: str
    signed_in: dict[str, Any] = field(default_factory=dict)

    @property
    def blocked(self) -> list[Step]:
        return [s for s in self.steps if s.status == "blocked"]

    def to_dict(self) -> dict[str, Any]:
        """The JSON of `register plan --json` (cli.md: `steps`, then the context)."""
        return {
            "steps": [s.to_dict() for s in self.steps],
            "signed_in": self.signed_in,
            "tenant": {
                "id": (self.facts.organization or {}).get("id") or self.tenant_id,
                "type": (self.facts.organization or {}).get("tenantType"),
                **plan_tenant(self.facts),
            },
            "app": None
            if self.facts.app is None
            else {"app_id": self.facts.app.get("appId"), "object_id": self.facts.app.get("id")},
            "blocked": len(self.blocked),
            "request": self.request.to_dict(),
            "fingerprint": self.fingerprint,
            "graph_url": self.graph_url,
        }


def _ids(items: Any, key: str = "keyId") -> list[str]:
    return sorted(str(i.get(key)) for i in items or [] if isinstance(i, dict))


def fingerprint(facts: TenantFacts, api_app: dict[str, Any] | None) -> str:
    """A hash of what the plan depends on: the objects, their credentials, permissions and grants."""

    def app_part(app: dict[str, Any] | None) -> Any:
        if app is None:
            return None
        return {
            "id": app.get("id"),
            "appId": app.get("appId"),
            "rra": app.get("requiredResourceAccess") or [],
            "passwords": _ids(app.get("passwordCredentials")),
            "keys": _ids(app.get("keyCredentials")),
            "uris": sorted(app.get("identifierUris") or []),
            "roles": _ids(app.get("appRoles"), "id"),
            **fingerprint_part(app),
        }

    doc = {
        "app": app_part(facts.app),
        "sp": (facts.service_principal or {}).get("id"),
        "grants": sorted(f"{a.get('resourceId')}/{a.get('appRoleId')}" for a in facts.assignments),
        "resource": None
        if facts.resource is None
        else {"id": facts.resource.get("id"), "roles": _ids(facts.resource.get("appRoles"), "id")},
        "api": app_part(api_app),
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


def _tolerant(reader: GraphReader, path: str) -> dict[str, Any] | None:
    """A read that only feeds a prediction: refused or absent means "unknown"."""
    try:
        return reader.get(path)
    except ApiError:
        return None


def read_predictions(
    reader: GraphReader,
    facts: TenantFacts,
    request: RegistrationRequest,
    identity: AdminIdentity | None = None,
) -> Predictions:
    """The tenant settings that predict a refusal: app creation by users, deleted holders, secret policy."""
    policies = read_policies(reader, identity, facts.app) if identity is not None else PolicyReadings()
    holder = None
    if facts.app is None and request.name:
        deleted = _tolerant(
            reader,
            "/directory/deletedItems/microsoft.graph.application?$filter="
            + quote(f"uniqueName eq '{request.name}'"),
        )
        rows = (deleted or {}).get("value") or []
        holder = str(rows[0].get("id")) if rows and isinstance(rows[0], dict) else None
    domains = tuple(
        str(d.get("name", "")).lower()
        for d in (facts.organization or {}).get("verifiedDomains") or []
        if isinstance(d, dict)
    )
    return Predictions(
        users_can_register=policies.users_can_register,
        deleted_holder=holder,
        secrets_blocked=bool(policies.secrets_blocked),
        secret_max_days=policies.secret_max_days,
        verified_domains=domains,
        policies=policies,
    )


def uri_host_verified(uri: str, domains: tuple[str, ...], app_id: str = "") -> bool:
    """True when the App ID URI needs no verified domain (api://{appId}) or its host is on one."""
    parts = urlsplit(uri)
    host = (parts.hostname or "").lower()
    if parts.scheme == "api" and (is_guid(host) or host == app_id.lower() or not host):
        return True
    return any(host == d or host.endswith("." + d) for d in domains)


def _adjust(
    steps: list[Step],
    plan_in: RegistrationRequest,
    facts: TenantFacts,
    pred: Predictions,
    identity: AdminIdentity,
) -> list[Step]:
    """The predictions plan.py does not make: registration off, name held, secret policy, credentials kept."""
    mine = set(identity.roles)
    out: list[Step] = []
    for s in steps:
        if s.action == "create application" and s.status == "todo" and pred.deleted_holder:
            s = replace(
                s,
                status="blocked",
                reason=f"unique name held by the deleted app {pred.deleted_holder}: "
                "restore it, or purge it (`register undo --purge`, or delete it from Deleted applications)",
            )
        s = policy_step(
            s,
            pred.policies,
            may_register=bool(mine & set(REGISTER_ROLES)),
            secret_days=plan_in.secret_days,
            passwords=len((facts.app or {}).get("passwordCredentials") or []),
            rotate=plan_in.rotate,
            add_new=plan_in.add_new,
        )
        out.append(s)
    return out


def _api_steps(request: RegistrationRequest, api_app: dict[str, Any] | None, pred: Predictions) -> list[Step]:
    """The own API's registration: app, App ID URI, app roles (v2 tokens), service principal."""
    name = str(request.resource)
    if api_app is None:
        steps = [
            Step(
                "create API registration",
                name,
                "todo",
                WRITE,
                f"{APP_DEV} (or none)",
                "will be created (upsert by uniqueName), requestedAccessTokenVersion 2",
            )
        ]
        uris: list[str] = []
        roles: set[str] = set()
    else:
        steps = [
            Step(
                "create API registration",
                name,
                "done",
                WRITE,
                APP_DEV,
                f"exists: appId {api_app.get('appId')}",
            )
        ]
        uris = list(api_app.get("identifierUris") or [])
        roles = {str(r.get("value")) for r in api_app.get("appRoles") or [] if isinstance(r, dict)}
    uri = request.identifier_uri or "api://{appId}"
    if uris and not request.identifier_uri:
        steps.append(Step("set App ID URI", uris[0], "done", WRITE, APP_DEV, "set"))
    elif request.identifier_uri and not uri_host_verified(uri, pred.verified_domains):
        steps.append(
            Step(
                "set App ID URI",
                uri,
                "blocked",
                WRITE,
                APP_DEV,
                f"{urlsplit(uri).hostname} is not a verified domain of this tenant; use api://{{appId}}",
            )
        )
    else:
        steps.append(
            Step("set App ID URI", uri, "done" if uri in uris else "todo", WRITE, APP_DEV, "identifierUris")
        )
    for value in request.roles:
        status = "done" if value in roles else "todo"
        steps.append(
            Step("add app role", f"{name} {value}", status, WRITE, APP_DEV, "allowed to applications")
        )
    steps.append(
        Step(
            "create API service principal",
            name,
            "todo" if api_app is None else "done",
            WRITE,
            APP_DEV,
            "upsert by appId",
        )
    )
    return steps


def make_plan(
    reader: GraphReader, identity: AdminIdentity, request: RegistrationRequest, *, graph_url: str
) -> RegistrationPlan:
    """Read the tenant and plan the registration `request` asks for (read-only)."""
    api_app = None
    resource_app_id = GRAPH_APP_ID
    if request.resource:
        api_app = reader.first("/applications?$filter=" + quote(f"uniqueName eq '{request.resource}'"))
        if api_app is not None:
            resource_app_id = str(api_app.get("appId"))
    facts = read_tenant(
        reader, unique_name=request.name, app_id=request.app_id, resource_app_id=resource_app_id
    )
    if request.resource and (api_app is None or facts.resource is None):
        # The API (or its service principal) does not exist yet: its roles are the ones it will define.
        facts = replace(
            facts,
            resource={
                "id": "",
                "appId": resource_app_id if api_app else "(new API)",
                "displayName": request.resource,
                "appRoles": [{"value": v, "id": f"new:{v}"} for v in request.roles],
            },
        )
    elif request.resource and facts.resource is not None:
        have = {str(r.get("value")) for r in facts.resource.get("appRoles") or []}
        extra = [{"value": v, "id": f"new:{v}"} for v in request.roles if v not in have]
        facts = replace(
            facts, resource={**facts.resource, "appRoles": [*facts.resource.get("appRoles", []), *extra]}
        )
    if request.federated is not None:
        facts = with_credentials(reader, facts)
    pred = read_predictions(reader, facts, request, identity)
    name = request.name or str((facts.app or {}).get("displayName") or request.app_id)
    steps = plan_registration(
        facts, identity, name=name, roles=list(request.roles), credential=request.credential
    )
    steps = external_steps(_adjust(steps, request, facts, pred, identity), facts)
    if request.federated is not None:
        steps.append(federated_step(request.federated, facts.app, identity, name=name))
    if request.resource:
        steps = _api_steps(request, api_app, pred) + steps
    steps = with_requests(
        steps,
        facts=facts,
        unique_name=request.name or name,
        api_app=api_app,
        api_name=request.resource,
        federated_name=request.federated.name if request.federated else None,
    )
    tenant_id = str((facts.organization or {}).get("id") or identity.tenant_id)
    return RegistrationPlan(
        request,
        facts,
        api_app,
        steps,
        pred,
        fingerprint(facts, api_app),
        tenant_id,
        graph_url,
        identity.to_dict(),
    )


def read_plan(
    token: AdminToken,
    request: RegistrationRequest,
    *,
    graph_url: str,
    ca_file: str | None = None,
    timeout: float = 120.0,
    trace: Trace | None = None,
) -> RegistrationPlan:
    """Read the tenant with the admin's token and plan `request` (read-only; the CLI's and TUI's entry)."""
    from wizard.live.http import HttpSettings
    from wizard.live.trace import Trace

    settings = HttpSettings.bounded(timeout, ca_file=ca_file)
    reader = GraphReader(token, graph_url=graph_url, settings=settings, trace=trace or Trace())
    try:
        return make_plan(reader, token.identity, request, graph_url=graph_url)
    finally:
        reader.close()
