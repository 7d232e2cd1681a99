"""Read every app registration and service principal with their credentials from Graph, page by page.

Paging follows `@odata.nextLink` with `$select` and `$top=999`; the applications and the service
principals are walked side by side. Owners come with the applications (`$expand=owners($select=id)`),
or, with `owners="each"`, from `/applications/{id}/owners` with at most `jobs` requests in flight. Every request goes through the project's traced httpx client, which retries 429
and 503 after the `Retry-After` the service asks for and keeps the whole run inside its deadline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from wizard.audit.model import (
    AppRecord,
    Credential,
    FederatedRecord,
    Holder,
    PrincipalRecord,
    Tenant,
    parse_time,
)
from wizard.errors import ApiError
from wizard.live.http import HttpSettings
from wizard.live.trace import Trace
from wizard.secret import Secret

if TYPE_CHECKING:
    import httpx

APP_FIELDS = "id,appId,displayName,passwordCredentials,keyCredentials"
SP_FIELDS = "id,appId,displayName,accountEnabled,passwordCredentials,keyCredentials"
PAGE_SIZE = 999


@dataclass(frozen=True)
class ReadOptions:
    """How the audit reads: Graph's base URL, requests in flight, and owners: expand, each or none."""

    graph_url: str
    jobs: int = 8
    owners: str = "expand"
    #: Read each app's federated identity credentials (one more paged walk, `$expand`ed).
    federated: bool = True


class GraphPages:
    """GETs on Graph with a bearer token; counts the requests and the 429s the transport retried."""

    def __init__(self, token: Secret, *, settings: HttpSettings, trace: Trace) -> None:
        from wizard.live.httpx_transport import httpx_client

        trace.add_secret(token.reveal())
        self.trace = trace
        self.client: httpx.Client = httpx_client(settings, trace, step="graph")
        self.client.headers["Authorization"] = f"Bearer {token.reveal()}"

    def close(self) -> None:
        self.client.close()

    def get(self, url: str) -> dict[str, Any]:
        response = self.client.get(url)
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code != 200 or not isinstance(body, dict):
            error = body.get("error", {}) if isinstance(body, dict) else {}
            code = str(error.get("code", "")) if isinstance(error, dict) else ""
            message = str(error.get("message", "")) if isinstance(error, dict) else ""
            raise ApiError(
                f"Graph refused GET {url.split('?')[0]} (HTTP {response.status_code}{', ' + code if code else ''})",
                hint=message[:300]
                or "The audit needs Application.Read.All (an app token) or a sign-in that holds it.",
                status=response.status_code,
            )
        return body

    def walk(self, url: str) -> Iterator[dict[str, Any]]:
        """Every object of a collection, following `@odata.nextLink` to the last page."""
        next_url: str | None = url
        while next_url:
            body = self.get(next_url)
            for item in body.get("value") or []:
                if isinstance(item, dict):
                    yield item
            link = body.get("@odata.nextLink")
            next_url = link if isinstance(link, str) and link else None

    @property
    def counts(self) -> tuple[int, int]:
        """(requests sent, of which answered 429) from the trace."""
        exchanges = [e for e in self.trace.exchanges if e.step == "graph"]
        return len(exchanges), sum(1 for e in exchanges if e.status == 429)


def credentials_of(item: dict[str, Any], holder: Holder) -> tuple[Credential, ...]:
    """The secrets and certificates of one application or service principal object."""
    out: list[Credential] = []
    for kind, prop in (("secret", "passwordCredentials"), ("certificate", "keyCredentials")):
        for c in item.get(prop) or []:
            if not isinstance(c, dict):
                continue
            out.append(
                Credential(
                    holder=holder,
                    object_id=str(item.get("id", "")),
                    app_id=str(item.get("appId", "")),
                    display_name=str(item.get("displayName") or ""),
                    kind=kind,
                    key_id=str(c.get("keyId") or ""),
                    name=str(c.get("displayName") or ""),
                    hint=str(c.get("hint") or "") if kind == "secret" else "",
                    start=parse_time(c.get("startDateTime")),
                    end=parse_time(c.get("endDateTime")),
                )
            )
    return tuple(out)


def _owners(pages: GraphPages, base: str, object_id: str) -> tuple[str, ...]:
    query = urlencode({"$select": "id", "$top": str(PAGE_SIZE)})
    return tuple(str(o.get("id", "")) for o in pages.walk(f"{base}/applications/{object_id}/owners?{query}"))


def _expanded_owners(app: dict[str, Any]) -> tuple[str, ...] | None:
    found = app.get("owners")
    if not isinstance(found, list):
        return None  # not expanded: no claim about owners
    return tuple(str(o.get("id", "")) for o in found if isinstance(o, dict))


def federated_of(item: dict[str, Any]) -> tuple[FederatedRecord, ...]:
    """The expanded `federatedIdentityCredentials` of one application object."""
    out = []
    for f in item.get("federatedIdentityCredentials") or []:
        if isinstance(f, dict):
            aud = f.get("audiences")
            out.append(
                FederatedRecord(
                    name=str(f.get("name") or ""),
                    issuer=str(f.get("issuer") or ""),
                    subject=str(f.get("subject") or ""),
                    audiences=tuple(str(a) for a in aud) if isinstance(aud, list) else (),
                )
            )
    return tuple(out)


def read_tenant(
    pages: GraphPages, options: ReadOptions, *, progress: Callable[[str], None] | None = None
) -> Tenant:
    """Applications and service principals (side by side), then owners with `jobs` requests in flight."""
    base = options.graph_url.rstrip("/")
    if not base.endswith(("/v1.0", "/beta")):
        base += "/v1.0"
    query = {"$select": APP_FIELDS, "$top": str(PAGE_SIZE)}
    if options.owners == "expand":
        query["$expand"] = "owners($select=id)"
    apps_url = f"{base}/applications?" + urlencode(query)
    sps_url = f"{base}/servicePrincipals?" + urlencode({"$select": SP_FIELDS, "$top": str(PAGE_SIZE)})
    with ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool:
        apps_job = pool.submit(lambda: list(pages.walk(apps_url)))
        sps_job = pool.submit(lambda: list(pages.walk(sps_url)))
        # A separate walk: Graph expands one navigation property per request on directory objects.
        fics_url = f"{base}/applications?" + urlencode(
            {"$select": "id", "$expand": "federatedIdentityCredentials", "$top": str(PAGE_SIZE)}
        )
        fics_job = pool.submit(lambda: list(pages.walk(fics_url))) if options.federated else None
        raw_apps, raw_sps = apps_job.result(), sps_job.result()
        fics = {str(a.get("id", "")): federated_of(a) for a in (fics_job.result() if fics_job else [])}
        if progress:
            progress(f"read {len(raw_apps)} applications and {len(raw_sps)} service principals")
        owners: list[tuple[str, ...] | None] = [None] * len(raw_apps)
        if options.owners == "expand":
            owners = [_expanded_owners(a) for a in raw_apps]
        elif options.owners == "each":
            ids = [str(a.get("id", "")) for a in raw_apps]
            owners = list(pool.map(lambda oid: _owners(pages, base, oid), ids))
    apps = tuple(
        AppRecord(
            object_id=str(a.get("id", "")),
            app_id=str(a.get("appId", "")),
            display_name=str(a.get("displayName") or ""),
            credentials=credentials_of(a, Holder.APPLICATION),
            owners=o,
            federated=len(fics.get(str(a.get("id", "")), ())),
            federated_credentials=fics.get(str(a.get("id", "")), ()),
        )
        for a, o in zip(raw_apps, owners, strict=True)
    )
    principals = tuple(
        PrincipalRecord(
            object_id=str(s.get("id", "")),
            app_id=str(s.get("appId", "")),
            display_name=str(s.get("displayName") or ""),
            enabled=s.get("accountEnabled") is not False,
            credentials=credentials_of(s, Holder.SERVICE_PRINCIPAL),
        )
        for s in raw_sps
    )
    sent, throttled = pages.counts
    return Tenant(apps, principals, requests=sent, throttled=throttled)
