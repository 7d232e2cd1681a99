"""Rules about reaching the services at all: DNS, connections, TLS trust, proxies, timeouts, throttling.

These codes extend reference/diagnosis-codes.md (new codes may be added; none is renamed). They fire from
the exception text a client library (or `doctor`) reports, so a pasted `requests`/`httpx`/.NET/Node
message is recognised as well as doctor's own typed errors.
"""

from __future__ import annotations

import re

from wizard.diagnosis.registry import HINT, RULES, SERVER_SAYS, Hit
from wizard.diagnosis.signals import Signals

SECTION = "Network and client"
NETWORK_DOCS = "https://learn.microsoft.com/entra/identity-platform/msal-python-token-cache-serialization"
PROXY_DOCS = "https://learn.microsoft.com/azure/developer/python/sdk/azure-sdk-configure-proxy"
THROTTLING = "https://learn.microsoft.com/entra/identity-platform/reference-error-codes#handling-error-codes-in-your-application"
ENDPOINTS = "https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges"

_RULES: list[tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]] = [
    (
        "network-dns",
        "The host name could not be resolved",
        "DNS found no address for the authority or API host: a typo in the host, a cloud that does not exist "
        "(login.microsoftonline.de was retired), or no DNS on this network.",
        "Check the host in the authority / API URL; `nslookup login.microsoftonline.com` from the same machine; "
        "on a locked-down network ask for the Entra and Graph endpoints to be allowed.",
        (
            "dnserror",
            "dns error",
            "getaddrinfo",
            "name or service not known",
            "nodename nor servname",
            "temporary failure in name resolution",
            "nameresolutionerror",
            "no such host is known",
            "enotfound",
            "could not resolve host",
        ),
        (ENDPOINTS,),
    ),
    (
        "network-connect",
        "The connection was refused or dropped",
        "Nothing accepted the connection (wrong port, service down, firewall) or it was closed before an answer "
        "came back.",
        "Check the URL's host and port; for a local API or the sandbox, check that it is running; a firewall or "
        "egress rule may block outbound 443.",
        (
            "connecterror",
            "connection error",
            "connection refused",
            "econnrefused",
            "actively refused",
            "connection reset",
            "econnreset",
            "remotedisconnected",
            "server disconnected",
            "connection aborted",
        ),
        (ENDPOINTS,),
    ),
    (
        "network-tls",
        "The server's TLS certificate is not trusted",
        "The TLS handshake failed because the server's certificate chain is not trusted here (a corporate "
        "TLS-inspecting proxy, a self-signed test server, a CA bundle that lacks the root), or the name does "
        "not match.",
        "Trust the right CA explicitly: `--ca-file corp-root.pem` (and per library: requests `verify=`, httpx "
        "`verify=ssl_context`, azure-identity `connection_verify=`). Note that REQUESTS_CA_BUNDLE / "
        "SSL_CERT_FILE can silently replace what a library was told.",
        (
            "tlserror",
            "tls error",
            "certificate_verify_failed",
            "certificate verify failed",
            "self signed certificate",
            "self-signed certificate",
            "unable to get local issuer certificate",
            "unable_to_verify_leaf_signature",
            "ssl: wrong_version_number",
            "hostname mismatch",
            "sslerror",
            "the remote certificate is invalid",
        ),
        ("https://learn.microsoft.com/entra/identity-platform/troubleshoot-publicclientapplicationbuilder",),
    ),
    (
        "network-proxy",
        "The proxy refused or failed the connection",
        "The request went through a proxy (HTTPS_PROXY / HTTP_PROXY) that refused it, asked for "
        "authentication (407), or could not reach the target.",
        "Check HTTPS_PROXY / NO_PROXY (in the TUI: F2, Proxy URL); add credentials if the proxy wants them "
        "(in the environment's proxy URL, never in the profile); run with `--no-proxy` to test a direct "
        "connection.",
        (
            "proxyerror",
            "proxy error",
            "proxy authentication required",
            "407 proxy",
            "tunnel connection failed",
            "unable to connect to proxy",
            "cannot connect to proxy",
        ),
        (PROXY_DOCS,),
    ),
    (
        "network-timeout",
        "The request timed out",
        "The service did not answer in time: a slow network, a hung connection, or a firewall that drops "
        "packets instead of refusing them.",
        "Retry; raise `--timeout`; if it always times out, a firewall probably drops traffic to the host.",
        (
            "timeouterror",
            "timed out",
            "readtimeout",
            "connecttimeout",
            "etimedout",
            "timeout expired",
            "did not finish within",
        ),
        (ENDPOINTS,),
    ),
    (
        "service-unavailable",
        "The service is throttling or unavailable",
        "The token service or API answered 429 (too many requests) or 5xx (temporarily unavailable). "
        "It is not a configuration problem.",
        "Honour Retry-After and retry with back-off; cache tokens (msal does) instead of requesting one per "
        "call; check https://status.azure.com for an outage.",
        (
            "serviceunavailable",
            "too many requests",
            "429",
            "503 service unavailable",
            "temporarily_unavailable",
            "service unavailable",
            "throttl",
            "retry-after",
            "502 bad gateway",
            "500 internal server error",
            "504 gateway",
        ),
        (THROTTLING,),
    ),
    (
        "network-bad-answer",
        "The service answered something that is not its protocol",
        "An answer came back but was not what the protocol expects (HTML instead of JSON, a truncated body): "
        "often a captive portal, a proxy's error page, or the wrong URL.",
        "Open the URL in a browser from the same machine; check the authority and API URL; check the proxy.",
        (
            "networkerror",
            "network error",
            "malformed",
            "not valid json",
            "jsondecodeerror",
            "unexpected token <",
            "expecting value: line 1",
        ),
        (ENDPOINTS,),
    ),
]


def _pattern(needles: tuple[str, ...]) -> re.Pattern[str]:
    # Digit-only needles (status codes) must stand alone: "429" inside a GUID is not throttling.
    parts = [rf"\b{re.escape(n)}\b" if n.isdigit() else re.escape(n) for n in needles]
    return re.compile("|".join(parts))


def _detector(needles: tuple[str, ...]) -> object:
    compiled: list[re.Pattern[str]] = []  # on first use: a run without an error compiles none

    def detect(s: Signals) -> Hit | None:
        text = s.error_text
        if not text:
            return None
        if not compiled:
            compiled.append(_pattern(needles))
        if not compiled[0].search(text):
            return None
        if "aadsts" in text:  # an Entra error wrapped in a network-looking message: other rules decide
            return Hit(HINT)
        return Hit(
            SERVER_SAYS - 2, explanation=f"The client reported: {s.evidence.client_error.strip()[:300]}"
        )

    return detect


for _code, _title, _meaning, _fix, _needles, _links in _RULES:
    _rule = RULES.add(_code, section=SECTION, title=_title, meaning=_meaning, fix=_fix, links=_links)
    _rule.detector(_detector(_needles))  # type: ignore[arg-type]
