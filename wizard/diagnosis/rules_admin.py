"""Rules about the wizard's own admin sign-in (delegated): flows blocked by Conditional Access, consent."""

from __future__ import annotations

from wizard.diagnosis.registry import RULES, SERVER_SAYS, Hit
from wizard.diagnosis.signals import Signals

SECTION = "Acting on the tenant"
CA_FLOWS = "https://learn.microsoft.com/entra/identity/conditional-access/concept-authentication-flows"
CONSENT = "https://learn.microsoft.com/entra/identity/enterprise-apps/grant-admin-consent"
#: `config.credential_type` values that mark a person's sign-in rather than a daemon's.
DELEGATED_FLOWS = frozenset({"interactive", "device_code", "azure_cli", "delegated"})
#: Who may grant tenant-wide consent to delegated permissions (Microsoft Graph's included).
CONSENT_ROLES = (
    "Global Administrator, Privileged Role Administrator, Cloud Application Administrator or "
    "Application Administrator"
)


def is_delegated_sign_in(s: Signals) -> bool:
    """True when the evidence is about a person signing in (the wizard's admin sign-in), not the daemon."""
    return (s.evidence.config.credential_type or "").lower() in DELEGATED_FLOWS


SIGN_IN_BLOCKED = RULES.add(
    "sign-in-blocked",
    section=SECTION,
    title="Conditional Access blocked this way of signing in",
    meaning="Conditional Access blocked the chosen sign-in flow (device code, non-compliant device).",
    fix="Sign in with the browser on this machine (`daemon-wizard login`, without --device-code), or reuse a "
    "signed-in Azure CLI (`--use-az`); otherwise ask an administrator which flows and devices the policy "
    "allows (Entra admin center > Sign-in logs > the failure > Conditional Access).",
    links=(CA_FLOWS,),
)
ADMIN_APPROVAL = RULES.add(
    "admin-approval-required",
    section=SECTION,
    title="An administrator must approve the wizard's sign-in first",
    meaning="The wizard's own sign-in needs an administrator's consent first.",
    fix=f"Ask a {CONSENT_ROLES} to sign in once with the same --client-id and accept 'Consent on behalf of "
    "your organization' (or grant it under Enterprise applications > the client > Permissions); then sign "
    "in again.",
    links=(CONSENT,),
)


@SIGN_IN_BLOCKED.detector
def _blocked(s: Signals) -> Hit | None:
    flow = (s.evidence.config.credential_type or "").lower()
    if s.code(50097):
        return Hit(
            SERVER_SAYS,
            explanation="A Conditional Access policy requires a registered or compliant device "
            "(AADSTS50097), and this sign-in did not come from one.",
            fix="Sign in with the browser on a managed (compliant or hybrid-joined) device, or use `--use-az` "
            "where the Azure CLI is signed in on such a device.",
        )
    if s.code(50005):
        return Hit(
            SERVER_SAYS,
            explanation="A Conditional Access policy does not allow sign-in from this device platform "
            "(AADSTS50005).",
        )
    if s.code(53003) and is_delegated_sign_in(s):
        if flow == "device_code":
            return Hit(
                SERVER_SAYS,
                explanation="A Conditional Access policy blocks the device code flow in this tenant "
                "(AADSTS53003): many tenants do, as Microsoft recommends.",
                fix="Sign in with the browser (`daemon-wizard login` without --device-code; over SSH, open the "
                "printed URL in a browser that can reach this machine's loopback, e.g. with `ssh -L`), or use "
                "`--use-az`.",
            )
        return Hit(SERVER_SAYS, explanation="A Conditional Access policy blocked this sign-in (AADSTS53003).")
    return None


@ADMIN_APPROVAL.detector
def _approval(s: Signals) -> Hit | None:
    if not (s.code(90094) or (s.code(65001) and is_delegated_sign_in(s))):
        return None
    client = s.evidence.config.client_id
    scopes = ", ".join(s.evidence.config.scopes or ())
    what = f" the public client {client}" if client else " the public client"
    asked = f" for {scopes}" if scopes else ""
    return Hit(
        SERVER_SAYS,
        explanation=f"The signed-in user may not consent{asked} to{what}: these delegated permissions need an "
        f"administrator's consent, and none was granted for the organization (AADSTS"
        f"{'90094' if s.code(90094) else '65001'}). Only a {CONSENT_ROLES} can approve it.",
    )
