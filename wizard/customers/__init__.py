"""Multi-tenant (ISV) daemons: the customer tenants of a profile, their admin consent, and checks in each."""

from __future__ import annotations

from wizard.customers.check import CheckOptions, CheckResult, CustomerRow, check_customers
from wizard.customers.consent import (
    ConsentAnswer,
    consent_url,
    customer_profile,
    parse_answer,
    record_answer,
    request_consent,
)
from wizard.customers.model import ConsentState, Customer, CustomerBook, check_tenant
from wizard.customers.store import book_path, load_book, save_book

__all__ = [
    "CheckOptions",
    "CheckResult",
    "ConsentAnswer",
    "ConsentState",
    "Customer",
    "CustomerBook",
    "CustomerRow",
    "book_path",
    "check_customers",
    "check_tenant",
    "consent_url",
    "customer_profile",
    "load_book",
    "parse_answer",
    "record_answer",
    "request_consent",
    "save_book",
]
