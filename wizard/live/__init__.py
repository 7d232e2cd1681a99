"""Live checks against a tenant: token (msal, azure-identity), API probe (msgraph-sdk, httpx), doctor."""

from __future__ import annotations
