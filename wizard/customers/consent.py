"""Per-customer admin consent: the v2.0 URL with an unguessable `state`, and recording the redirect's answer.

The answer (`admin_consent=True&tenant=...&state=...`, or `error=...&error_description=AADSTS...&state=...`)
arrives at the redirect URI: caught by the loopback listener (wizard.customers.listener) or pasted by the user.
Its `state` names the customer it answers; an answer whose state matches no consent sent out is refused.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from wizard.consent import admin_consent_url
from wizard.customers.model import ConsentState, Customer, CustomerBook
from wizard.errors import UsageError
from wizard.profile import Profile

DEFAULT_REDIRECT = "http://localhost"
_AADSTS = re.compile(r"AADSTS(\d+)")


def customer_authority(profile: Profile, tenant: str) -> str:
    """The profile's authority with the customer's tenant in the tenant position."""
    return f"{profile.instance.rstrip('/')}/{tenant}"


def customer_profile(profile: Profile, customer: Customer) -> Profile:
    """The profile as it acts in one customer's tenant: same app, same credential, that tenant's authority."""
    tenant = customer.authority_tenant
    if not profile.authority_override:
        return profile.with_(tenant=tenant)
    return profile.with_(tenant=tenant, authority_override=customer_authority(profile, tenant))


def consent_url(profile: Profile, customer: Customer, *, redirect_uri: str | None = None) -> str:
    """The v2.0 admin-consent URL for this customer's tenant (its `state` when one went out)."""
    return admin_consent_url(
        authority=customer_authority(profile, customer.authority_tenant),
        client_id=profile.client_id,
        scope=profile.scope,
        redirect_uri=redirect_uri or DEFAULT_REDIRECT,
        state=customer.state,
    )


def request_consent(book: CustomerBook, tenant: str) -> tuple[CustomerBook, Customer]:
    """Mark the customer pending with a fresh `state` (one use): the URL made from it maps back here."""
    customer = book.get(tenant)
    state = secrets.token_urlsafe(24)
    keep = customer.consent if customer.consent is ConsentState.CONSENTED else ConsentState.PENDING
    book = book.updated(customer, state=state, consent=keep)
    return book, book.get(tenant)


@dataclass(frozen=True)
class ConsentAnswer:
    """What the redirect said."""

    granted: bool
    state: str
    tenant: str | None = None
    scope: str | None = None
    error: str | None = None
    description: str | None = None

    @property
    def aadsts(self) -> int | None:
        found = _AADSTS.search(self.description or "")
        return int(found.group(1)) if found else None


def parse_answer(text: str) -> ConsentAnswer:
    """The redirect URL (or its query) the browser landed on; bad input is a UsageError."""
    raw = text.strip()
    query = urlsplit(raw).query if "://" in raw else raw.lstrip("?")
    fields = dict(parse_qsl(query, keep_blank_values=True))
    state = fields.get("state", "")
    if not state:
        raise UsageError(
            "The redirect URL has no state",
            hint="Paste the whole address the browser landed on after the consent page (it ends with &state=...).",
        )
    if fields.get("admin_consent", "").lower() == "true" and "error" not in fields:
        return ConsentAnswer(True, state, tenant=fields.get("tenant") or None, scope=fields.get("scope"))
    if "error" in fields:
        return ConsentAnswer(
            False,
            state,
            error=fields["error"],
            description=fields.get("error_description", "").strip() or None,
        )
    raise UsageError(
        "The redirect URL carries neither admin_consent=True nor an error",
        hint="Paste the address the browser landed on after the admin accepted or cancelled.",
    )


def record_answer(
    book: CustomerBook, answer: ConsentAnswer, *, now: dt.datetime | None = None
) -> tuple[CustomerBook, Customer]:
    """The book with the answer recorded on the customer whose `state` it carries."""
    customer = next(
        (c for c in book.customers if c.state and hmac.compare_digest(c.state, answer.state)), None
    )
    if customer is None:
        raise UsageError(
            "This answer does not belong to any consent request of this profile",
            hint="Its state matches no consent URL sent out (or the answer was recorded already); make a new URL "
            "with `daemon-wizard customers consent TENANT`.",
        )
    stamp = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    if answer.granted:
        tenant_id = (answer.tenant or "").lower() or customer.tenant_id
        if customer.tenant_id and tenant_id and tenant_id != customer.tenant_id:
            raise UsageError(
                f"The consent was given in tenant {tenant_id}, not in {customer.tenant_id}",
                hint="The admin signed in to another tenant; ask the customer's own admin to open the URL.",
            )
        book = book.updated(
            customer,
            consent=ConsentState.CONSENTED,
            tenant_id=tenant_id,
            consented_at=stamp,
            error=None,
            state=None,
        )
    else:
        declined = answer.aadsts == 65004 or answer.error == "access_denied"
        first = (
            (answer.description or answer.error or "").splitlines()[0]
            if (answer.description or answer.error)
            else None
        )
        book = book.updated(
            customer,
            consent=ConsentState.DECLINED if declined else ConsentState.FAILED,
            error=first,
            state=None,
        )
    return book, next(c for c in book.customers if c.tenant == customer.tenant)
