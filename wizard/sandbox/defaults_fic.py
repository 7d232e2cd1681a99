"""The default scenario's apps for reading federated credentials with the app's own token: one that may
read its registration (Application.Read.All), one that may not, and one that owns itself (OwnedBy)."""

from __future__ import annotations

from collections.abc import Callable

from wizard.sandbox import records
from wizard.sandbox.scenario import (
    GRAPH_NAME,
    SANDBOX_BASE,
    SECRET,
    AppSpec,
    FederatedCredentialSpec,
    Permission,
)

MakeApp = Callable[..., AppSpec]
#: Each of these apps has a secret too (the migration case): the secret reads, the federated one is debugged.
FIC_READER_FICS = (
    FederatedCredentialSpec(
        "github-production",
        f"{SANDBOX_BASE}/issuers/github-actions",
        "repo:contoso/reader:environment:production",
    ),
)
_USERS = Permission(GRAPH_NAME, "User.Read.All")


def fic_apps(make: MakeApp) -> tuple[AppSpec, ...]:
    """Apps 86-88 of contoso; `make(n, name, display, **kw)` gives them their ids."""
    owner = make(
        88,
        "fic-owner-daemon",
        "Federated Daemon (owns itself, Application.ReadWrite.OwnedBy)",
        credentials=(SECRET,),
        permissions=(_USERS, Permission(GRAPH_NAME, "Application.ReadWrite.OwnedBy")),
        consented=True,
        federated_credentials=FIC_READER_FICS,
    )
    return (
        make(
            86,
            "fic-reader-daemon",
            "Federated Daemon (reads its registration)",
            credentials=(SECRET,),
            permissions=(_USERS, Permission(GRAPH_NAME, "Application.Read.All")),
            consented=True,
            federated_credentials=FIC_READER_FICS,
        ),
        make(
            87,
            "fic-blind-daemon",
            "Federated Daemon (cannot read its registration)",
            credentials=(SECRET,),
            permissions=(_USERS,),
            consented=True,
            federated_credentials=FIC_READER_FICS,
        ),
        # Its own service principal is an owner of its registration: OwnedBy lets it read (and write) it.
        records.replace(owner, owners=(owner.sp_object_id,)),
    )
