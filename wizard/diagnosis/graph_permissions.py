"""Common Microsoft Graph endpoints and the application permissions allowing them, least privileged first."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

_ID = r"[^/]+"


@dataclass(frozen=True)
class GraphEndpoint:
    """A Graph path pattern, for a set of methods, and the application permissions accepted."""

    methods: frozenset[str]
    regex: str
    permissions: tuple[str, ...]
    label: str

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        # Compiled on first use: most runs match one or two of these, and compiling all costs ~10 ms.
        return re.compile(self.regex, re.IGNORECASE)


def _ep(methods: str, path: str, *permissions: str) -> GraphEndpoint:
    regex = "^" + re.sub(r"\{[a-z]+\}", _ID, path) + "/?$"
    return GraphEndpoint(frozenset(methods.split("|")), regex, permissions, f"{methods} {path}")


_READ = "GET"
_WRITE = "POST|PATCH|PUT|DELETE"

#: Ordered: more specific patterns before the general ones.
ENDPOINTS: tuple[GraphEndpoint, ...] = (
    _ep("POST", "/users/{id}/sendMail", "Mail.Send"),
    _ep(
        _READ, "/users/{id}/(messages|mailFolders)(/.*)?", "Mail.ReadBasic.All", "Mail.Read", "Mail.ReadWrite"
    ),
    _ep(_WRITE, "/users/{id}/(messages|mailFolders)(/.*)?", "Mail.ReadWrite"),
    _ep(
        _READ,
        "/users/{id}/(events|calendar|calendars|calendarView)(/.*)?",
        "Calendars.ReadBasic.All",
        "Calendars.Read",
        "Calendars.ReadWrite",
    ),
    _ep(_WRITE, "/users/{id}/(events|calendar|calendars)(/.*)?", "Calendars.ReadWrite"),
    _ep(_READ, "/users/{id}/contacts(/.*)?", "Contacts.Read", "Contacts.ReadWrite"),
    _ep(_WRITE, "/users/{id}/contacts(/.*)?", "Contacts.ReadWrite"),
    _ep(_READ, "/users/{id}/(drive|drives)(/.*)?", "Files.Read.All", "Files.ReadWrite.All", "Sites.Read.All"),
    _ep(_WRITE, "/users/{id}/(drive|drives)(/.*)?", "Files.ReadWrite.All", "Sites.ReadWrite.All"),
    _ep(_READ, "/users/{id}/todo(/.*)?", "Tasks.Read.All", "Tasks.ReadWrite.All"),
    _ep(_WRITE, "/users/{id}/todo(/.*)?", "Tasks.ReadWrite.All"),
    _ep(
        _READ, "/users/{id}/(memberOf|transitiveMemberOf)(/.*)?", "GroupMember.Read.All", "Directory.Read.All"
    ),
    _ep(_READ, "/users/{id}/(manager|directReports)", "User.Read.All", "Directory.Read.All"),
    _ep(_READ, "/users/{id}/authentication(/.*)?", "UserAuthenticationMethod.Read.All"),
    _ep(_READ, "/users/{id}/(chats|teamwork|joinedTeams)(/.*)?", "Chat.Read.All", "Team.ReadBasic.All"),
    _ep(_READ, "/users(/{id})?", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All"),
    _ep("POST|PATCH", "/users(/{id})?", "User.ReadWrite.All", "Directory.ReadWrite.All"),
    _ep("DELETE", "/users/{id}", "User.ReadWrite.All"),
    _ep(
        _READ,
        "/groups/{id}/(members|transitiveMembers|owners)(/.*)?",
        "GroupMember.Read.All",
        "Group.Read.All",
        "Directory.Read.All",
    ),
    _ep(_READ, "/groups/{id}/(drive|drives|sites)(/.*)?", "Files.Read.All", "Sites.Read.All"),
    _ep(_READ, "/groups/{id}/(conversations|threads|events|calendar)(/.*)?", "Group.Read.All"),
    _ep(_READ, "/groups(/{id})?", "Group.Read.All", "Directory.Read.All", "Group.ReadWrite.All"),
    _ep(_WRITE, "/groups(/.*)?", "Group.ReadWrite.All", "Directory.ReadWrite.All"),
    _ep(
        _READ,
        "/applications(/.*)?",
        "Application.Read.All",
        "Application.ReadWrite.OwnedBy",
        "Directory.Read.All",
    ),
    _ep(_WRITE, "/applications(/.*)?", "Application.ReadWrite.OwnedBy", "Application.ReadWrite.All"),
    _ep(_READ, "/servicePrincipals(/.*)?", "Application.Read.All", "Directory.Read.All"),
    _ep(
        _WRITE,
        "/servicePrincipals(/.*)?",
        "Application.ReadWrite.OwnedBy",
        "Application.ReadWrite.All",
        "AppRoleAssignment.ReadWrite.All",
    ),
    _ep(_READ, "/sites(/.*)?", "Sites.Selected", "Sites.Read.All", "Sites.ReadWrite.All"),
    _ep(_WRITE, "/sites(/.*)?", "Sites.Selected", "Sites.ReadWrite.All"),
    _ep(_READ, "/drives(/.*)?", "Files.Read.All", "Files.ReadWrite.All", "Sites.Read.All"),
    _ep(_WRITE, "/drives(/.*)?", "Files.ReadWrite.All", "Sites.ReadWrite.All"),
    _ep(_READ, "/teams/{id}/channels/{id}/messages(/.*)?", "ChannelMessage.Read.All"),
    _ep(_READ, "/teams/{id}/channels(/.*)?", "Channel.ReadBasic.All", "ChannelSettings.Read.All"),
    _ep(_READ, "/teams/{id}/members(/.*)?", "TeamMember.Read.All"),
    _ep(_READ, "/teams(/{id})?", "Team.ReadBasic.All", "TeamSettings.Read.All"),
    _ep(_READ, "/chats(/.*)?", "Chat.ReadBasic.All", "Chat.Read.All"),
    _ep(_READ, "/organization(/.*)?", "Organization.Read.All", "Directory.Read.All"),
    _ep(_READ, "/domains(/.*)?", "Domain.Read.All", "Directory.Read.All"),
    _ep(_READ, "/devices(/.*)?", "Device.Read.All", "Directory.Read.All"),
    _ep(_READ, "/directoryRoles(/.*)?", "RoleManagement.Read.Directory", "Directory.Read.All"),
    _ep(_READ, "/auditLogs/(signIns|directoryAudits|provisioning)(/.*)?", "AuditLog.Read.All"),
    _ep(_READ, "/security/alerts(_v2)?(/.*)?", "SecurityAlert.Read.All"),
    _ep(_READ, "/reports(/.*)?", "Reports.Read.All"),
    _ep(_READ, "/subscribedSkus(/.*)?", "Organization.Read.All", "Directory.Read.All"),
    _ep(_READ, "/identity/conditionalAccess(/.*)?", "Policy.Read.All"),
    _ep(_READ, "/deviceManagement(/.*)?", "DeviceManagementManagedDevices.Read.All"),
    _ep(_READ, "/communications/callRecords(/.*)?", "CallRecords.Read.All"),
    _ep(_READ, "/places(/.*)?", "Place.Read.All"),
)

_VERSION = re.compile(r"^/(v1\.0|beta)", re.IGNORECASE)


def graph_path(url: str) -> str:
    """`GET https://graph.microsoft.com/v1.0/users?$top=1` -> `/users`; accepts a bare path."""
    value = url.strip()
    if "://" in value:
        try:
            value = urlsplit(value).path
        except ValueError:
            return ""
    value = value.split("?", 1)[0]
    value = _VERSION.sub("", value)
    # /users('id') and /users/{upn}: keep the structure, the regexes match any id segment.
    value = re.sub(r"\('([^']*)'\)", r"/\1", value)
    return "/" + value.strip("/")


def permissions_for(method: str | None, url: str) -> tuple[str, ...] | None:
    """The application permissions (least privileged first) that allow this call, when the table knows it."""
    path = graph_path(url)
    verb = (method or "GET").upper()
    for endpoint in ENDPOINTS:
        if verb in endpoint.methods and endpoint.pattern.match(path):
            return endpoint.permissions
    return None


def is_me_path(url: str) -> bool:
    path = graph_path(url)
    return path == "/me" or path.startswith("/me/")
