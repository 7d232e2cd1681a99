"""`decode --verify`'s network side: the issuer's OpenID configuration and JWKS, fetched through the core's
one HTTP client (same trust, `--ca-file`, proxies, timeouts, retries and typed errors as every request)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wizard.errors import NetworkError
from wizard.live.http import HttpSettings
from wizard.live.httpx_transport import httpx_client
from wizard.live.trace import Trace
from wizard.tokens.decode import DecodedToken
from wizard.tokens.verify import Verification, check_signature

if TYPE_CHECKING:  # httpx is imported lazily: importing it loads rich (its CLI) when rich is installed
    import httpx


def _get_json(client: httpx.Client, url: str) -> dict[str, Any]:
    """GET a JSON object; transport failures and 429/5xx arrive typed from the client's transport."""
    response = client.get(url)
    if response.status_code != 200:
        raise NetworkError(f"{url} answered {response.status_code}", url=url, status=response.status_code)
    try:
        data = response.json()
    except ValueError:
        raise NetworkError(f"{url} did not answer JSON", url=url) from None
    if not isinstance(data, dict):
        raise NetworkError(f"{url} did not answer a JSON object", url=url)
    return data


def verify_token(
    token: str | DecodedToken,
    *,
    raw: str | None = None,
    verify: bool | str = True,
    timeout: float = 10.0,
    issuer: str | None = None,
    settings: HttpSettings | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Verification:
    """Check the signature against a trusted issuer's keys (wizard.tokens.verify.check_signature).

    `verify` is True (system trust) or a CA bundle path (`--ca-file`); `settings` overrides the whole
    HTTP policy; `transport` swaps only the network underneath (tests). Nothing is fetched for an
    untrusted issuer.
    """
    if settings is None:
        settings = HttpSettings.bounded(timeout, ca_file=verify if isinstance(verify, str) else None)
    compact = raw if raw is not None else (token if isinstance(token, str) else "")
    with httpx_client(settings, Trace([compact]), step="keys", transport=transport) as client:
        return check_signature(token, raw=raw, issuer=issuer, fetch_json=lambda url: _get_json(client, url))


__all__ = ["Verification", "verify_token"]
