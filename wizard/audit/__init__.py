"""Audit a tenant's credentials: every app registration's and service principal's secrets and certificates."""

from __future__ import annotations

from wizard.audit.model import (
    AppRecord,
    AuditFinding,
    AuditPolicy,
    Credential,
    Holder,
    PrincipalRecord,
    Tenant,
)
from wizard.audit.reader import GraphPages, ReadOptions, read_tenant
from wizard.audit.rules import CODES, audit

__all__ = [
    "CODES",
    "AppRecord",
    "AuditFinding",
    "AuditPolicy",
    "Credential",
    "GraphPages",
    "Holder",
    "PrincipalRecord",
    "ReadOptions",
    "Tenant",
    "audit",
    "read_tenant",
]
