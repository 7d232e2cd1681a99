"""Rules about acting on the tenant (`register apply` / `undo`): Graph's refusals of a registration write,
each with the fix: the directory role that was missing, a tenant policy on secrets, an App ID URI on an
unverified domain, a unique name still held by a deleted app."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from wizard.diagnosis.registry import API_SAYS, RULES, Hit, Rule
from wizard.diagnosis.rules_admin import SECTION, is_delegated_sign_in
from wizard.diagnosis.signals import Signals

if TYPE_CHECKING:
    from wizard.diagnosis.model import Finding
    from wizard.errors import WizardError

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
ROLES_DOC = "https://learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference"
CONSENT_DOC = "https://learn.microsoft.com/graph/permissions-grant-via-msgraph"
POLICY_DOC = "https://learn.microsoft.com/graph/api/resources/tenantappmanagementpolicy"
URI_DOC = (
    "https://learn.microsoft.com/entra/identity-platform/reference-app-manifest#identifieruris-attribute"
)
DELETED_DOC = "https://learn.microsoft.com/graph/api/directory-deleteditems-delete"

CONSENT_GRAPH = RULES.add(
    "role-cannot-consent-graph",
    section=SECTION,
    title="Your directory role cannot grant Microsoft Graph application permissions",
    meaning="The signed-in user's directory roles cannot grant Microsoft Graph application permissions "
    "(needs Privileged Role Administrator or Global Administrator).",
    fix="Ask a Privileged Role Administrator (or Global Administrator) to run the same `daemon-wizard register "
    "apply` (what is already in place is kept; only the grant is left), or to grant it in the portal: "
    "Enterprise applications > the app > Permissions > Grant admin consent.",
    links=(ROLES_DOC, CONSENT_DOC),
)
CANNOT_REGISTER = RULES.add(
    "role-cannot-register",
    section=SECTION,
    title="You may not create app registrations in this tenant",
    meaning="The signed-in user may not create app registrations in this tenant.",
    fix="Ask for the Application Developer role (enough to create apps you then own), or ask an Application "
    "Administrator to run `daemon-wizard register apply`; the tenant setting is Entra admin center > Users > "
    "User settings > 'Users can register applications'.",
    links=(ROLES_DOC,),
)
SECRET_POLICY = RULES.add(
    "policy-blocks-secret",
    section=SECTION,
    title="A tenant policy forbids client secrets or caps their lifetime",
    meaning="A tenant policy forbids client secrets or caps their lifetime.",
    fix="Use a certificate (`--credential certificate`), or a shorter lifetime (`--secret-days N`) when the "
    "policy caps it; the policy is under Entra admin center > Enterprise applications > Application policies.",
    links=(POLICY_DOC,),
)
NAME_TAKEN = RULES.add(
    "unique-name-taken",
    section=SECTION,
    title="The unique name is held by another app, possibly a deleted one",
    meaning="The unique name is held by another app, possibly a deleted one.",
    fix="A deleted app keeps its unique name for 30 days: restore it (Entra admin center > App registrations > "
    "Deleted applications), or delete it permanently (`daemon-wizard register undo --purge` when this tool "
    "made it); or choose another --name.",
    links=(DELETED_DOC,),
)
URI_NOT_VERIFIED = RULES.add(
    "identifier-uri-not-verified",
    section=SECTION,
    title="The App ID URI is not on a verified domain of the tenant",
    meaning="The App ID URI is not on a verified domain of the tenant.",
    fix="Use `api://{appId}` (the default, needs no domain), or a URI on one of the tenant's verified domains "
    "(Entra admin center > Custom domain names).",
    links=(URI_DOC,),
)
OURS = (CONSENT_GRAPH, CANNOT_REGISTER, SECRET_POLICY, NAME_TAKEN, URI_NOT_VERIFIED)
_CONSENT_PATH = re.compile(r"/servicePrincipals/[^/]+/appRoleAssignedTo", re.I)
_CREATE_PATH = re.compile(r"/applications(\(uniqueName=|$|\?)", re.I)


def _graph_code(s: Signals) -> str:
    err = (s.api.body_json or {}).get("error")
    return str(err.get("code") or "") if isinstance(err, dict) else ""


def _path(s: Signals) -> str:
    return (s.api.url or "").split("?")[0]


@CONSENT_GRAPH.detector
def _consent(s: Signals) -> Hit | None:
    if s.api.status != 403 or not _CONSENT_PATH.search(_path(s)) or not is_delegated_sign_in(s):
        return None
    resource = (s.evidence.config.resource or "").lower()
    if resource and resource not in (GRAPH_APP_ID, "https://graph.microsoft.com"):
        return None
    return Hit(
        API_SAYS,
        explanation="Microsoft Graph refused the app role assignment (403 Authorization_RequestDenied): granting "
        "Microsoft Graph application permissions needs Privileged Role Administrator or Global Administrator.",
    )


@CANNOT_REGISTER.detector
def _register(s: Signals) -> Hit | None:
    if s.api.status != 403 or not is_delegated_sign_in(s):
        return None
    if (s.api.method or "") not in ("PATCH", "POST") or not _CREATE_PATH.search(_path(s)):
        return None
    return Hit(
        API_SAYS,
        explanation="Graph refused to create the application (403 Authorization_RequestDenied): 'Users can register "
        "applications' is off in this tenant, and creating one then needs Application Developer or more.",
    )


@SECRET_POLICY.detector
def _policy(s: Signals) -> Hit | None:
    code = _graph_code(s)
    if code == "CredentialTypeNotAllowedAsPerAppPolicy" or s.api_says(
        "credentialtypenotallowedasperapppolicy"
    ):
        return Hit(
            API_SAYS,
            explanation="An app management policy of the tenant forbids adding client secrets "
            f"({code or 'CredentialTypeNotAllowedAsPerAppPolicy'}).",
            fix="Use a certificate: `--credential certificate` (generated, or `--certificate PATH`).",
        )
    if code == "CredentialInvalidLifetimeAsPerAppPolicy" or s.api_says(
        "credential lifetime exceeds the max value"
    ):
        return Hit(
            API_SAYS,
            explanation="The secret's lifetime is longer than the tenant's app management policy "
            "allows (CredentialInvalidLifetimeAsPerAppPolicy).",
            fix="Ask for a shorter secret (`--secret-days 90`, or what the policy allows), or use a certificate.",
        )
    return None


@NAME_TAKEN.detector
def _taken(s: Signals) -> Hit | None:
    if s.api.status == 400 and s.api_says("same value for property uniquename"):
        return Hit(
            API_SAYS,
            explanation="Graph answered: another object with the same value for property "
            "uniqueName already exists. A deleted app keeps its unique name until purged.",
        )
    return None


@URI_NOT_VERIFIED.detector
def _uri(s: Signals) -> Hit | None:
    if _graph_code(s) == "HostNameNotOnVerifiedDomain" or s.api_says("must use a verified domain"):
        return Hit(
            API_SAYS,
            explanation="Graph refused the App ID URI: identifierUris must use a verified domain "
            "of the organization or its subdomain (HostNameNotOnVerifiedDomain).",
        )
    return None


def _evidence(exc: WizardError, resource: str) -> dict[str, Any]:
    from wizard.errors import GraphWriteError

    api: dict[str, Any] = {"body": exc.title}
    if isinstance(exc, GraphWriteError):
        api = {
            "method": exc.method,
            "url": exc.path,
            "status": exc.status,
            "body": {"error": {"code": exc.code, "message": exc.message}},
        }
    return {"config": {"credential_type": "delegated", "resource": resource}, "api": api}


def _conclude(rule: Rule, s: Signals) -> Hit | None:
    hits = [h for h in (d(s) for d in rule.detectors) if h is not None]
    return max(hits, key=lambda h: h.confidence) if hits else None


def findings_for_write(
    exc: WizardError,
    *,
    step: str,
    roles: list[str] | None = None,
    own_api: bool = False,
    resource_app_id: str = "",
) -> list[Finding]:
    """A refused Graph write as findings: ours when one fits (with who you are), else the engine's."""
    from wizard.diagnosis.engine import diagnose
    from wizard.diagnosis.evidence import parse_evidence
    from wizard.diagnosis.model import Finding

    resource = resource_app_id or ("own-api" if own_api else GRAPH_APP_ID)
    s = Signals(parse_evidence(_evidence(exc, resource)))
    you = ""
    if roles is not None:
        you = f" You are {', '.join(roles)}." if roles else " You hold no directory role."
    out = []
    for rule in OURS:
        hit = _conclude(rule, s)
        if hit is not None:
            out.append(
                Finding(
                    rule.code,
                    hit.severity or rule.severity,
                    rule.title,
                    f"{hit.explanation or rule.meaning}{you} (step: {step})",
                    hit.fix or rule.fix,
                    rule.links,
                    hit.confidence,
                )
            )
    if out:
        return out
    found = [f for f in diagnose(s.evidence).findings if f.code != "ok"]
    if found:
        return found
    from wizard.diagnosis.texts import finding_for

    return [finding_for("api-refused", explanation=f"{exc.title}: {exc.hint or ''} (step: {step})")]
