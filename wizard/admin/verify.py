"""After apply, prove it: poll the token endpoint (bounded) until the new credential and the granted roles
are live, else the finding `replication-pending`; then run doctor on the new app."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from wizard.admin.tenant_kind import daemon_tenant
from wizard.clouds import cloud_for_graph_host
from wizard.diagnosis.model import Finding
from wizard.errors import TokenError, WizardError
from wizard.live.http import HttpSettings
from wizard.profile import ApiKind, ApiTarget, CertificateRef, CredentialKind, Profile

if TYPE_CHECKING:
    from wizard.admin.apply import ApplyOptions, ApplyResult, Progress
    from wizard.admin.registration import RegistrationPlan

#: What Entra usually takes, said in the finding when the bound is reached.
USUAL_DELAY = (
    "A new secret or certificate is usually accepted within a minute; new application permissions reach the "
    "token's `roles` within about 5 minutes, occasionally up to 30."
)
#: The same for a federated credential (Entra docs: "Time for federated credential changes to propagate").
USUAL_FEDERATED_DELAY = (
    "A new federated credential is usually honoured within a minute or two; until then Entra answers "
    "AADSTS70021 (no matching federated identity record)."
)
#: AADSTS codes that name what differs between the presented token and the app's federated credentials.
FEDERATED_MISMATCH = frozenset({"700211", "700212", "700213", "7002138", "700024", "7000272", "700222"})

#: Waits between token attempts (seconds), then the last one repeated until the bound.
WAITS = (1.0, 2.0, 4.0, 8.0, 15.0)


@dataclass(frozen=True)
class Proof:
    """Whether a token with the new credential (and the roles expected) was obtained, and after how long."""

    ok: bool
    attempts: int
    waited_s: float
    roles: tuple[str, ...] = ()
    last_error: str = ""
    missing_roles: tuple[str, ...] = ()
    federated: bool = False
    #: The token endpoint's last error body, when it refused the credential (for the diagnosis).
    token_error: dict[str, object] | None = None
    #: Its AADSTS code, as the token boundary parsed it.
    aadsts: str | None = None

    def findings(
        self, credentials: list[dict[str, Any]] | None = None, presented: dict[str, Any] | None = None
    ) -> list[Finding]:
        """`replication-pending`, preceded by what the diagnosis engine makes of the last refusal when Entra
        named a mismatch (a federated subject, issuer or audience that differs), not just an unknown record:
        a wrong credential does not become right by waiting. `credentials`: the app's federated
        credentials as Graph lists them, and `presented` the external token's claims, for the
        claim-by-claim difference."""
        pending = self.finding()
        if not self.federated or self.token_error is None or self.aadsts not in FEDERATED_MISMATCH:
            return [pending]
        from wizard.diagnosis.engine import diagnose

        evidence: dict[str, Any] = {
            "config": {"credential_type": "federated"},
            "token_error": self.token_error,
        }
        if credentials:
            evidence["app_registration"] = {"federatedIdentityCredentials": credentials}
        if presented:
            evidence["client_assertion"] = {"claims": presented}
        found = diagnose(evidence)
        specific = [f for f in found.findings if f.code not in ("ok", "replication-pending")]
        return [specific[0], pending] if specific else [pending]

    def finding(self) -> Finding:
        from wizard.diagnosis.texts import finding_for

        what = (
            f"the token does not carry {', '.join(self.missing_roles)} yet"
            if self.missing_roles
            else f"the token endpoint still refuses the new credential ({self.last_error[:160]})"
        )
        return finding_for(
            "replication-pending",
            severity="warning",
            explanation=f"After {self.attempts} attempts over {self.waited_s:.0f} s, {what}. "
            + (USUAL_FEDERATED_DELAY + " " if self.federated and not self.missing_roles else "")
            + USUAL_DELAY,
        )


def daemon_profile(plan: RegistrationPlan, result: ApplyResult, options: ApplyOptions) -> Profile:
    """The new app as a daemon profile: its tenant on the sign-in host, its credential, the API it calls."""
    graph = plan.graph_url.rstrip("/")
    cloud = cloud_for_graph_host(urlsplit(graph).hostname or "")
    if plan.request.resource:
        api = ApiTarget(kind=ApiKind.OWN, resource=result.api_resource, required_roles=plan.request.roles)
    else:
        base = graph if graph.endswith("/v1.0") else graph + "/v1.0"
        api = ApiTarget(kind=ApiKind.GRAPH, base_url=base, required_roles=plan.request.roles)
    cert = result.certificate or {}
    kind = {"certificate": CredentialKind.CERTIFICATE, "federated": CredentialKind.FEDERATED}.get(
        plan.request.credential, CredentialKind.SECRET
    )
    tenant_type, tenant = daemon_tenant(plan.facts, result.tenant_id)
    federated: dict[str, str | None] = {}
    if plan.request.federated is not None:
        from wizard.admin.verify_federated import token_source

        wanted = plan.request.federated
        federated = {
            "federated_issuer": wanted.issuer,
            "federated_subject": wanted.subject,
            **token_source(options, result),
        }
    profile = Profile(
        name=plan.request.name or result.client_id,
        tenant_type=tenant_type,
        tenant=tenant,
        client_id=result.client_id,
        object_id=result.object_id,
        credential=kind,
        certificate=CertificateRef(key_path=cert.get("key_path"), cert_path=cert.get("cert_path")),
        api=api,
        authority_override=_override(options.authority_host, result.tenant_id),
    ).with_(**federated)
    return profile if cloud is None else profile.with_(cloud=cloud)


def _override(authority_host: str, tenant_id: str) -> str | None:
    """The authority of the proof when it is not the one the profile derives (a sandbox, another host)."""
    host = authority_host.rstrip("/")
    return None if host == "https://login.microsoftonline.com" else f"{host}/{tenant_id}"


def _roles(token: str) -> tuple[str, ...]:
    from wizard.tokens.decode import decode_token

    claims: dict[str, Any] = decode_token(token).claims
    return tuple(str(r) for r in claims.get("roles") or [])


def prove_token(
    plan: RegistrationPlan, result: ApplyResult, options: ApplyOptions, *, expect_roles: tuple[str, ...]
) -> Proof:
    """Ask for a token until it comes with `expect_roles`, within options.verify_timeout (options.clock)."""
    from wizard.live.msal_token import acquire_token

    profile = daemon_profile(plan, result, options)
    federated = profile.credential is CredentialKind.FEDERATED
    start = options.clock.monotonic()
    attempts, last = 0, ""
    refusal: dict[str, object] | None = None
    code: str | None = None
    roles: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    never = threading.Event()
    while True:
        attempts += 1
        settings = HttpSettings.bounded(30.0, ca_file=options.ca_file, clock=options.clock)
        try:
            token = acquire_token(profile, secret=result.secret, settings=settings, trace=options.trace)
            roles = _roles(token.access_token.reveal())
            missing = tuple(r for r in expect_roles if r not in roles)
            if not missing:
                return Proof(True, attempts, options.clock.monotonic() - start, roles, federated=federated)
            last = f"roles {', '.join(roles) or '(none)'}"
        except TokenError as exc:
            last, missing = (f"AADSTS{exc.aadsts}: {exc.title}" if exc.aadsts else exc.title), ()
            refusal = exc.body or ({"error_description": last} if exc.aadsts else None)
            code = exc.aadsts
        except WizardError as exc:
            last, missing = exc.title, ()
        waited = options.clock.monotonic() - start
        wait = WAITS[min(attempts - 1, len(WAITS) - 1)]
        if waited + wait > options.verify_timeout:
            return Proof(
                False,
                attempts,
                waited,
                roles,
                last,
                missing,
                federated=federated,
                token_error=refusal,
                aadsts=code,
            )
        options.clock.sleep(wait, never)


def prove(plan: RegistrationPlan, result: ApplyResult, options: ApplyOptions, progress: Progress) -> None:
    """The token proof, then doctor on the new app; their outcome goes into `result`."""
    from wizard.admin.apply import ProgressEvent

    granted = tuple(plan.request.roles)
    progress(ProgressEvent("verify", result.client_id, "start", "polling the token endpoint"))
    proof = prove_token(plan, result, options, expect_roles=granted)
    result.verified = proof.ok
    if not proof.ok:
        wanted = result.federated_credential
        result.findings.extend(proof.findings([wanted] if wanted else None, _presented(options, result)))
        progress(ProgressEvent("verify", result.client_id, "failed", "not live yet"))
        return
    progress(ProgressEvent("verify", result.client_id, "done", f"token after {proof.attempts} attempt(s)"))
    if not options.doctor:
        return
    if plan.request.resource:
        # The team's API has no URL here to call: the token and its roles, proven above, are what doctor
        # would check before the call.
        result.doctor = {"verdict": "skipped", "codes": [], "reason": "own API: token and roles proven"}
        return
    from wizard.live.doctor import DoctorOptions, run_doctor

    progress(ProgressEvent("doctor", result.client_id, "start"))
    report = run_doctor(
        daemon_profile(plan, result, options),
        secret=result.secret,
        ca_file=options.ca_file,
        options=DoctorOptions(timeout=60.0),
        clock=options.clock,
    )
    result.doctor = {"verdict": report.verdict, "codes": report.codes}
    if report.verdict != "ok":
        result.findings.extend(f for f in report.findings if f.code != "ok")
    progress(
        ProgressEvent(
            "doctor", result.client_id, "done" if report.verdict == "ok" else "failed", report.verdict
        )
    )


def _presented(options: ApplyOptions, result: ApplyResult) -> dict[str, Any] | None:
    """The claims of the external token the proof presented from a file (never its signature or text)."""
    path = options.federated_token_file or result.federated_token_file
    if not path:
        return None
    from wizard.errors import TokenFormatError
    from wizard.tokens.decode import decode_token

    try:
        with open(path, encoding="utf-8") as fh:
            return dict(decode_token(fh.read()).claims)
    except (OSError, UnicodeDecodeError, TokenFormatError):
        return None
