"""`register undo`: remove only what the journal says this tool created, newest first; soft delete of
applications (30 days in the recycle bin) unless `purge`, which frees the unique name and App ID URI at once.

Public surface: `undo(journal, token, options, progress=...)` returns an UndoResult.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from wizard.admin.apply import Progress, ProgressEvent
from wizard.admin.graph_writes import GraphWriter
from wizard.admin.journal import Entry, Journal
from wizard.admin.retry import RetryPolicy
from wizard.diagnosis.model import Finding
from wizard.errors import GraphWriteError, WizardError
from wizard.live.http import SYSTEM_CLOCK, Clock, HttpSettings
from wizard.live.trace import Trace

if TYPE_CHECKING:
    import httpx

    from wizard.admin.identity import AdminToken


@dataclass
class UndoOptions:
    graph_url: str | None = None  # default: the journal's
    purge: bool = False
    ca_file: str | None = None
    timeout: float = 300.0
    clock: Clock = SYSTEM_CLOCK
    transport: httpx.AsyncBaseTransport | None = None
    trace: Trace = field(default_factory=Trace)


@dataclass
class UndoResult:
    removed: list[Entry] = field(default_factory=list)
    already_gone: list[Entry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    journal: str = ""

    @property
    def ok(self) -> bool:
        return not self.findings

    def to_dict(self) -> dict[str, Any]:
        return {
            "removed": [e.to_dict() for e in self.removed],
            "already_gone": [e.to_dict() for e in self.already_gone],
            "findings": [f.to_dict() for f in self.findings],
            "journal": self.journal,
        }


def _covered(entry: Entry, apps_deleted: set[str]) -> bool:
    """Deleting an application takes its passwords, keys and URIs with it."""
    kinds = ("password", "key_credential", "identifier_uri", "federated_credential")
    return entry.kind in kinds and entry.parent in apps_deleted


async def _remove(writer: GraphWriter, entry: Entry, *, purge: bool) -> None:
    if entry.kind == "app_role_assignment":
        await writer.unassign(entry.parent, entry.object_id)
    elif entry.kind == "password":
        await writer.remove_password(entry.parent, entry.key_id)
    elif entry.kind == "key_credential":
        raw = await writer.raw_app(entry.parent)
        keep = [k for k in raw.key_credentials or [] if str(k.key_id) != entry.key_id]
        await writer.patch_app(entry.parent, key_credentials=keep)
    elif entry.kind == "federated_credential":
        from wizard.admin.apply_federated import delete_credential

        await delete_credential(writer, entry.parent, entry.object_id)
    elif entry.kind == "service_principal":
        await writer.delete_sp(entry.object_id)
    elif entry.kind == "application":
        await writer.delete_app(entry.object_id)
        if purge:
            await _purge(writer, entry.object_id)


async def _purge(writer: GraphWriter, object_id: str) -> None:
    try:
        await writer.purge(object_id)
    except GraphWriteError as exc:
        if exc.status != 404:
            raise


def undo(
    journal: Journal, token: AdminToken, options: UndoOptions, *, progress: Progress | None = None
) -> UndoResult:
    """Remove the journal's pending entries, newest first; each removal is marked in the journal at once."""
    report: Progress = progress or (lambda event: None)
    result = UndoResult(journal=str(journal.path))
    graph_url = options.graph_url or journal.graph_url
    if not graph_url:
        raise WizardError("The journal does not say which Graph it was written for", hint="Pass --graph-url.")
    policy = RetryPolicy(clock=options.clock)

    async def go() -> None:
        writer = GraphWriter(
            token.access_token,
            graph_url=graph_url,
            settings=HttpSettings.bounded(options.timeout, ca_file=options.ca_file, clock=options.clock),
            trace=options.trace,
            transport=options.transport,
        )
        apps_deleted: set[str] = set()
        try:
            for entry in journal.pending():
                label = entry.label or entry.object_id
                if _covered(entry, apps_deleted):
                    journal.mark_removed(entry)
                    result.removed.append(entry)
                    report(
                        ProgressEvent(f"remove {entry.kind}", label, "skipped", "went with its application")
                    )
                    continue
                report(ProgressEvent(f"remove {entry.kind}", label, "start"))
                try:
                    await policy.run(
                        f"remove {entry.kind}", partial(_remove, writer, entry, purge=options.purge)
                    )
                except GraphWriteError as exc:
                    if exc.status == 404:
                        journal.mark_removed(entry)
                        result.already_gone.append(entry)
                        report(ProgressEvent(f"remove {entry.kind}", label, "skipped", "already gone"))
                        continue
                    from wizard.diagnosis.rules_tenant_writes import findings_for_write

                    result.findings.extend(findings_for_write(exc, step=f"remove {entry.kind}"))
                    report(ProgressEvent(f"remove {entry.kind}", label, "failed", exc.title))
                    return
                if entry.kind == "application":
                    apps_deleted.add(entry.object_id)
                journal.mark_removed(entry)
                result.removed.append(entry)
                report(
                    ProgressEvent(f"remove {entry.kind}", label, "done", "purged" if options.purge else "")
                )
        finally:
            await writer.aclose()

    asyncio.run(go())
    return result
