"""The routes of the imitated services beyond Key Vault, ARM and SharePoint, gathered for the sandbox app."""

from __future__ import annotations

from starlette.routing import BaseRoute

from wizard.sandbox import dataverse, graph_mail, messaging, powerbi, storage

BEYOND_ROUTES: tuple[BaseRoute, ...] = (
    *storage.ROUTES,
    *messaging.ROUTES,
    *powerbi.ROUTES,
    *dataverse.ROUTES,
    *graph_mail.ROUTES,
)
