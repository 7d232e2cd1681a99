"""Admin-consent URLs (v2.0 and classic forms) and what a user needs to know about them."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from wizard.profile import Profile

WHO_CAN_CONSENT = (
    "A Global Administrator or a Privileged Role Administrator can grant application permissions of "
    "Microsoft Graph. A Cloud Application Administrator or Application Administrator can grant application "
    "permissions of other APIs (not Microsoft Graph's)."
)
WHAT_THEY_SEE = (
    "The admin signs in, sees the app's name and the list of application permissions (app roles) it asks "
    "for, and accepts on behalf of the whole organisation."
)
REDIRECT_CARRIES = (
    "Afterwards the browser is sent to the redirect URI with admin_consent=True and tenant=<tenant id> "
    "(the v2.0 form also adds scope=), plus your state; on refusal or failure it carries error and "
    "error_description instead. The redirect URI must be registered on the app (Authentication blade), "
    "otherwise the sign-in page stops with AADSTS50011."
)


@dataclass(frozen=True)
class ConsentLinks:
    """Both consent URL forms with the text around them."""

    v2: str
    classic: str
    who_can_consent: str = WHO_CAN_CONSENT
    what_they_see: str = WHAT_THEY_SEE
    redirect_carries: str = REDIRECT_CARRIES

    def to_dict(self) -> dict[str, str]:
        return {
            "v2": self.v2,
            "classic": self.classic,
            "who_can_consent": self.who_can_consent,
            "what_they_see": self.what_they_see,
            "redirect_carries": self.redirect_carries,
        }


def admin_consent_url(
    *,
    authority: str,
    client_id: str,
    scope: str | None = None,
    redirect_uri: str | None = None,
    state: str | None = None,
) -> str:
    """The v2.0 admin-consent URL when `scope` is given, otherwise the classic form.

    `authority` is `https://host/<tenant>` (no trailing path), as `Profile.authority` gives it.
    """
    base = authority.rstrip("/")
    params: list[tuple[str, str]] = [("client_id", client_id)]
    if scope is not None:
        params.append(("scope", scope))
    if redirect_uri:
        params.append(("redirect_uri", redirect_uri))
    if state:
        params.append(("state", state))
    path = "/v2.0/adminconsent" if scope is not None else "/adminconsent"
    return f"{base}{path}?{urlencode(params)}"


def consent_links(
    profile: Profile, *, redirect_uri: str | None = None, state: str | None = None
) -> ConsentLinks:
    """Both forms for this profile's app and API."""
    return ConsentLinks(
        v2=admin_consent_url(
            authority=profile.authority,
            client_id=profile.client_id,
            scope=profile.scope,
            redirect_uri=redirect_uri,
            state=state,
        ),
        classic=admin_consent_url(
            authority=profile.authority, client_id=profile.client_id, redirect_uri=redirect_uri, state=state
        ),
    )
