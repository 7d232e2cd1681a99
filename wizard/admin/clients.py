"""Which public client the admin sign-in uses, and which delegated scopes each step asks for."""

from __future__ import annotations

from dataclasses import dataclass

from wizard.errors import ValidationError
from wizard.guids import is_guid

GRAPH = "https://graph.microsoft.com"
#: Delegated permission names asked for step by step: reading (`User.Read` for /me and /organization, as
#: Graph requires), then writing registrations, then granting consent.
STEP_NAMES: dict[str, tuple[str, ...]] = {
    "read": ("User.Read", "Application.Read.All"),
    "apply": ("Application.ReadWrite.All",),
    "consent": ("AppRoleAssignment.ReadWrite.All",),
}


def step_scopes(step: str, resource: str = GRAPH) -> tuple[str, ...]:
    """The scopes of one step on the Graph `resource` of the cloud (`https://graph.microsoft.us`, ...)."""
    return tuple(f"{resource.rstrip('/')}/{name}" for name in STEP_NAMES[step])


#: The same, on the global cloud's Graph.
READ_SCOPES: tuple[str, ...] = step_scopes("read")
APPLY_SCOPES: tuple[str, ...] = step_scopes("apply")
CONSENT_SCOPES: tuple[str, ...] = step_scopes("consent")
STEPS: dict[str, tuple[str, ...]] = {"read": READ_SCOPES, "apply": APPLY_SCOPES, "consent": CONSENT_SCOPES}

#: Microsoft Graph Command Line Tools: a Microsoft public client in every tenant, used only for first contact.
FALLBACK_CLIENT_ID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"
FALLBACK_CLIENT_NAME = "Microsoft Graph Command Line Tools"
FALLBACK_NOTICE = (
    f"notice: no --client-id given, so this sign-in uses Microsoft's public client '{FALLBACK_CLIENT_NAME}' "
    f"({FALLBACK_CLIENT_ID}). Sign-in logs will name that app, and your tenant may block it or ask an "
    "administrator to approve it. Register the wizard's own public client (`daemon-wizard login bootstrap`) "
    "and pass its --client-id."
)


@dataclass(frozen=True)
class ClientChoice:
    """The public client to sign in with; `notice` is shown when it is not the user's own."""

    client_id: str
    own: bool
    notice: str | None = None


def choose_client(client_id: str | None) -> ClientChoice:
    """The user's own public client when given, else the documented Microsoft fallback with a notice."""
    if client_id:
        value = client_id.strip()
        if not is_guid(value):
            raise ValidationError(
                f"--client-id must be an application (client) ID, a GUID; got {value[:60]!r}",
                field="client_id",
                hint="Copy the Application (client) ID from your public client's Overview page.",
            )
        return ClientChoice(value.lower(), own=True)
    return ClientChoice(FALLBACK_CLIENT_ID, own=False, notice=FALLBACK_NOTICE)


def scopes_for(
    steps: list[str] | None, extra: list[str] | None = None, *, resource: str = GRAPH
) -> tuple[str, ...]:
    """The scopes of the named steps (default: read), plus any given by name, on the Graph `resource`."""
    out: list[str] = []
    for step in steps or ["read"]:
        if step not in STEP_NAMES:
            raise ValidationError(
                f"unknown step {step!r}", field="step", hint="Use one of: " + ", ".join(STEP_NAMES)
            )
        out.extend(step_scopes(step, resource))
    for scope in extra or []:
        out.append(scope if "/" in scope else f"{resource.rstrip('/')}/{scope}")
    return tuple(dict.fromkeys(out))


def steps_for_plan(steps: list[tuple[str, str]]) -> list[str]:
    """The sign-in steps a plan's (status, scope) pairs need: write only with a step to do, consent only
    with a consent step to do (AppRoleAssignment.ReadWrite.All is tier-0: never asked for without one)."""
    todo = [scope for status, scope in steps if status == "todo"]
    needed = ["read"]
    if todo:
        needed.append("apply")
    if any("AppRoleAssignment.ReadWrite.All" in scope for scope in todo):
        needed.append("consent")
    return needed
