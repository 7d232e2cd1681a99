"""Clients that trust the sandbox CA explicitly, whatever REQUESTS_CA_BUNDLE or SSL_CERT_FILE say."""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx
    import requests


def ssl_context(ca_file: str) -> ssl.SSLContext:
    """An SSL context trusting only the sandbox CA (for httpx, aiohttp)."""
    return ssl.create_default_context(cafile=ca_file)


def requests_session(ca_file: str) -> requests.Session:
    """For msal's `http_client`: verify with the CA and ignore environment overrides (trust_env=False)."""
    import requests

    session = requests.Session()
    session.verify = ca_file
    session.trust_env = False
    return session


def httpx_client(ca_file: str, **kwargs: Any) -> httpx.Client:
    import httpx

    return httpx.Client(verify=ssl_context(ca_file), trust_env=False, **kwargs)


def httpx_async_client(ca_file: str, **kwargs: Any) -> httpx.AsyncClient:
    import httpx

    return httpx.AsyncClient(verify=ssl_context(ca_file), trust_env=False, **kwargs)
