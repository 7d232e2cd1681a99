"""The default scenario's apps for the services with their own authorization: Blob Storage, Service Bus,
Event Hubs, Power BI, Dataverse and Exchange (Graph mail); each refused as the service refuses it, with a
granted twin that passes. Apps 60-73 of contoso (numbers far from the other tables', to merge easily)."""

from __future__ import annotations

import json
from collections.abc import Callable

from wizard.sandbox.azure_spec import ProbeSpec, RoleAssignmentSpec
from wizard.sandbox.scenario import GRAPH_NAME, AppSpec, Permission
from wizard.sandbox.service_grants import AppUserSpec, MailboxPolicySpec, ServiceGrants, WorkspaceSpec

ACCOUNT = "contosodata"
BUS = "contoso-bus"
HUB = "contoso-events"
WORKSPACE = "3f1e5a2b-6c7d-4e8f-9a0b-1c2d3e4f5a6b"
ORG = "contoso"
#: Mailboxes of the default users (wizard.sandbox.defaults): Adele is inside the mail policy, Alex is not.
ALLOWED_MAILBOX = "adelev@contoso.onmicrosoft.com"
OTHER_MAILBOX = "alexw@contoso.onmicrosoft.com"

MakeApp = Callable[..., AppSpec]
_MAIL_READ = (Permission(GRAPH_NAME, "Mail.Read"),)


def service_apps(make: MakeApp) -> tuple[AppSpec, ...]:
    """`make(n, name, display, **kw)` gives them their ids."""
    mail = {"permissions": _MAIL_READ, "consented": True}
    return (
        make(60, "blob-daemon-no-role", "Blob Daemon (Contributor, no data role)"),
        make(61, "blob-daemon", "Blob Daemon"),
        make(62, "sb-daemon-no-role", "Service Bus Daemon (no data role)"),
        make(63, "sb-daemon", "Service Bus Daemon"),
        make(64, "eh-daemon-no-role", "Event Hubs Daemon (no data role)"),
        make(65, "eh-daemon", "Event Hubs Daemon"),
        make(66, "pbi-daemon-no-setting", "Power BI Daemon (tenant setting off)"),
        make(67, "pbi-daemon-no-workspace", "Power BI Daemon (not in the workspace)"),
        make(68, "pbi-daemon", "Power BI Daemon"),
        make(69, "dv-daemon-no-user", "Dataverse Daemon (no application user)"),
        make(70, "dv-daemon-no-role", "Dataverse Daemon (application user without a role)"),
        make(71, "dv-daemon", "Dataverse Daemon"),
        make(72, "mail-daemon-restricted", "Mail Daemon (application access policy)", **mail),
        make(73, "mail-daemon", "Mail Daemon", **mail),
    )


def service_grants() -> ServiceGrants:
    both = ("pbi-daemon-no-workspace", "pbi-daemon")
    return ServiceGrants(
        storage_accounts=(ACCOUNT,),
        namespaces=(BUS,),
        eventhub_namespaces=(HUB,),
        powerbi_allowed=both,
        workspaces=(WorkspaceSpec(WORKSPACE, "Finance", ("pbi-daemon",)),),
        dataverse_org=ORG,
        app_users=(AppUserSpec("dv-daemon-no-role"), AppUserSpec("dv-daemon", ("Basic User",))),
        mailbox_policies=(
            MailboxPolicySpec("mail-daemon-restricted", (ALLOWED_MAILBOX,)),
            MailboxPolicySpec("mail-daemon", (ALLOWED_MAILBOX, OTHER_MAILBOX)),
        ),
    )


def service_role_assignments(subscription: str) -> tuple[RoleAssignmentSpec, ...]:
    rg = f"/subscriptions/{subscription}/resourceGroups/rg-daemons/providers"
    account = f"{rg}/Microsoft.Storage/storageAccounts/{ACCOUNT}"
    return (
        # Contributor manages the account but reads no blob: Storage answers AuthorizationPermissionMismatch.
        RoleAssignmentSpec("blob-daemon-no-role", "Contributor", account),
        RoleAssignmentSpec("blob-daemon", "Storage Blob Data Reader", account),
        RoleAssignmentSpec(
            "sb-daemon", "Azure Service Bus Data Sender", f"{rg}/Microsoft.ServiceBus/namespaces/{BUS}"
        ),
        RoleAssignmentSpec(
            "eh-daemon", "Azure Event Hubs Data Sender", f"{rg}/Microsoft.EventHub/namespaces/{HUB}"
        ),
    )


def service_probes() -> tuple[ProbeSpec, ...]:
    blob = f"azure/storage/{ACCOUNT}/reports/q1.csv"
    send = json.dumps({"order": 1042, "source": "daemon-wizard"})
    pbi = f"powerbi/v1.0/myorg/groups/{WORKSPACE}/reports"
    dv = f"dataverse/{ORG}/api/data/v9.2/accounts?$select=name&$top=1"
    out: list[ProbeSpec] = []
    for app in ("blob-daemon-no-role", "blob-daemon"):
        out.append(ProbeSpec(app, blob, "https://storage.azure.com"))
    for app in ("sb-daemon-no-role", "sb-daemon"):
        out.append(
            ProbeSpec(
                app, f"azure/servicebus/{BUS}/orders/messages", "https://servicebus.azure.net", "POST", send
            )
        )
    for app in ("eh-daemon-no-role", "eh-daemon"):
        out.append(
            ProbeSpec(
                app, f"azure/servicebus/{HUB}/telemetry/messages", "https://eventhubs.azure.net", "POST", send
            )
        )
    for app in ("pbi-daemon-no-setting", "pbi-daemon-no-workspace", "pbi-daemon"):
        out.append(ProbeSpec(app, pbi, "https://analysis.windows.net/powerbi/api"))
    for app in ("dv-daemon-no-user", "dv-daemon-no-role", "dv-daemon"):
        out.append(ProbeSpec(app, dv, f"https://{ORG}.crm.dynamics.com"))
    out.append(
        ProbeSpec(
            "mail-daemon-restricted", f"v1.0/users/{OTHER_MAILBOX}/messages", "https://graph.microsoft.com"
        )
    )
    out.append(
        ProbeSpec("mail-daemon", f"v1.0/users/{OTHER_MAILBOX}/messages", "https://graph.microsoft.com")
    )
    return tuple(out)
