"""The admin path with a federated credential (no Textual here): the credential step's Federated tab read
into the request `register apply` takes, and where the proof's external token comes from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from wizard.errors import UsageError

if TYPE_CHECKING:
    from wizard.admin.plan_federated import FederatedRequest
    from wizard.profile import Profile

#: The plan screen's credential choices (value, label).
CREDENTIALS = (("secret", "Client secret"), ("federated", "Federated credential (workload identity)"))


@dataclass(frozen=True)
class TokenSource:
    """The external token for the proof and the token test: the person's file or command (else, on the
    sandbox, one its issuer mints)."""

    file: str | None = None
    command: str | None = None


def federated_request(profile: Profile, *, graph_url: str) -> FederatedRequest | str:
    """The credential the Federated tab describes, with the cloud's audience; or why not (shown)."""
    from wizard.admin.plan_federated import FederatedRequest, audience_for
    from wizard.clouds import cloud_for_graph_host

    if not profile.federated_issuer or not profile.federated_subject:
        return "Give the issuer and the subject's parts first."
    cloud = cloud_for_graph_host(urlsplit(graph_url).hostname or "")
    try:
        return FederatedRequest(profile.federated_issuer, profile.federated_subject, audience_for(cloud))
    except UsageError as exc:
        return exc.title


def token_source(profile: Profile) -> TokenSource:
    return TokenSource(profile.federated_token_file, profile.federated_token_command)
