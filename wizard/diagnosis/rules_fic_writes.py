"""Rules about writing an app's federated identity credentials (`register apply --credential federated`,
"Fix it now", `fic diff --fix`): Graph's refusals, each with the fix. Entra allows 20 per app, an issuer and
subject pair once per app, and names of 3-120 characters (letters, digits, `-` and `_`, starting with a
letter or digit) that cannot change."""

from __future__ import annotations

from wizard.diagnosis.registry import API_SAYS, RULES, Hit
from wizard.diagnosis.rules_admin import SECTION
from wizard.diagnosis.signals import Signals

FIC_DOC = "https://learn.microsoft.com/graph/api/resources/federatedidentitycredentials-overview"
CONSIDERATIONS_DOC = (
    "https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations"
)
_PORTAL = "Entra admin center > App registrations > the app > Certificates & secrets > Federated credentials"

LIMIT = RULES.add(
    "fic-limit",
    section=SECTION,
    title="The app has the most federated credentials Entra allows",
    meaning="The application already holds 20 federated identity credentials, the most Entra allows.",
    fix=f"Remove one the app no longer needs ({_PORTAL}), or let several workloads that present the same "
    "subject share one credential; a flexible credential (claims matching expression, GitHub and GitLab "
    "issuers) can cover many branches with one entry.",
    links=(FIC_DOC, CONSIDERATIONS_DOC),
)
DUPLICATE = RULES.add(
    "fic-duplicate",
    section=SECTION,
    title="Another federated credential of the app has this issuer and subject",
    meaning="Each issuer and subject pair may appear once per app: another credential already has it.",
    fix="Keep the existing credential (pass its name with `--federated-name` so the write updates it), or "
    "change the subject.",
    links=(FIC_DOC,),
)
NAME_INVALID = RULES.add(
    "fic-name-invalid",
    section=SECTION,
    title="Graph does not accept the federated credential's name",
    meaning="A federated credential's name is 3 to 120 characters of letters, digits, `-` and `_`, "
    "starting with a letter or digit, unique in the app, and cannot be changed later.",
    fix="Choose another `--federated-name` (for example `github-<repo>-<environment>`).",
    links=(FIC_DOC,),
)

CODES = frozenset({LIMIT.code, DUPLICATE.code, NAME_INVALID.code})


def _about_fic(s: Signals) -> bool:
    return "federatedidentitycredential" in f"{s.api.url or ''} {s.api.text}".lower()


@LIMIT.detector
def _limit(s: Signals) -> Hit | None:
    if _about_fic(s) and s.api_says("reached the maximum", "maximum number of federated", "limit of 20"):
        return Hit(API_SAYS)
    return None


@DUPLICATE.detector
def _duplicate(s: Signals) -> Hit | None:
    if s.api_says("issuer and subject combination already exists"):
        return Hit(API_SAYS)
    return None


@NAME_INVALID.detector
def _name(s: Signals) -> Hit | None:
    if s.api_says("property 'name' of resource 'federatedidentitycredential'"):
        return Hit(API_SAYS)
    return None
