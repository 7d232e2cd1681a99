"""Credentials of `register apply`, add-only: a secret written once to a 0600 file (addPassword reconciled,
never repeated blindly), a certificate uploaded beside the existing keys, and --rotate's removal of the old
ones once a token proved the new one."""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.admin.graph_writes import AppObject, certificate_key
from wizard.admin.journal import Entry
from wizard.admin.retry import RetryClass, classify
from wizard.errors import CertificateError, GraphWriteError, WizardError
from wizard.paths import data_dir

if TYPE_CHECKING:
    from wizard.admin.apply import _Run


def default_secret_path(name: str) -> Path:
    """`<data>/secrets/<name>-<UTC time>-<4 hex>.secret`: a new name for every run, even in the same second."""
    import secrets

    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return data_dir() / "secrets" / f"{name}-{stamp}-{secrets.token_hex(2)}.secret"


def secret_days(run: _Run) -> int:
    cap = run.plan.predictions.secret_max_days
    return min(run.req.secret_days, cap) if cap else run.req.secret_days


async def add_secret(run: _Run, app: AppObject) -> list[str] | None:
    """addPassword (unless one exists and --rotate is not given): the old key ids, None when nothing added."""
    from wizard.admin.apply import run_label

    if app.password_key_ids and not (run.req.rotate or run.req.add_new):
        run.say(
            "add client secret",
            app.unique_name or app.app_id,
            "skipped",
            "a secret exists (--rotate adds one)",
        )
        return None
    label = run_label()
    days = secret_days(run)
    end = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    oid = app.object_id
    run.say("add client secret", label, "start", f"{days} days")

    async def once() -> Any:
        return await run.call(
            "add client secret",
            lambda: run.writer.add_password(oid, display_name=label, end=end),
            about=oid,
            repeatable=False,
        )

    try:
        new = await once()
    except WizardError as exc:
        if classify(exc, fresh=False) is not RetryClass.TRANSIENT:
            raise
        # The answer was lost: maybe Graph added it. Find it by its display name; its value is gone, so
        # remove it (journaled first), then add once more.
        run.say("add client secret", label, "waiting", "answer lost: reconciling before one more try")
        now = await run.call("read application", lambda: run.writer.get_app(oid), about=oid)
        for key_id, name in now.password_names:
            if name == label:
                entry = Entry("password", oid, parent=oid, key_id=key_id, label=label + " (answer lost)")
                run.record(entry)
                await run.call(
                    "remove orphan secret", partial(run.writer.remove_password, oid, key_id), about=oid
                )
                run.journal.mark_removed(entry)
        new = await once()
    run.record(Entry("password", oid, parent=oid, key_id=new.key_id, label=label))
    run.result.secret = new.secret
    run.result.secret_masked = new.secret.masked
    path = run.options.secret_out or default_secret_path(app.unique_name or app.app_id)
    try:
        from wizard.safe_write import ensure_dir, write_atomic

        ensure_dir(Path(path).expanduser().parent)
        written = write_atomic(path, new.secret.reveal() + "\n", secret=True)
    except WizardError:
        # A secret nobody can read is worse than none: take it back, then report why.
        await run.call(
            "remove unsaved secret", lambda: run.writer.remove_password(oid, new.key_id), about=oid
        )
        run.journal.mark_removed(run.result.created[-1])
        raise
    run.result.secret_file = written.path
    run.result.changed.append("passwordCredentials")
    run.say("add client secret", label, "done", f"{new.secret.masked} written to {written.path}")
    return list(app.password_key_ids)


def _certificate(run: _Run, name: str) -> tuple[bytes, str, dict[str, Any]]:
    """(DER, SHA-1 hex, description) of the given certificate, or of one generated now."""
    from cryptography.hazmat.primitives import serialization

    from wizard.certs.thumbprints import thumbprints

    if run.req.certificate:
        from wizard.certs.load import load_files

        loaded = load_files(run.req.certificate)
        if loaded.certificate is None:
            raise CertificateError(
                f"{run.req.certificate} holds no certificate", hint="Give a .pem, .cer or .pfx."
            )
        cert = loaded.certificate
        where = {
            "cert_path": run.req.certificate,
            "key_path": run.req.certificate if loaded.private_key else None,
        }
    else:
        from cryptography import x509

        from wizard.certs.generate import generate_certificate

        folder = run.options.certificate_dir or (data_dir() / "certs")
        made = generate_certificate(subject=f"CN={name}", out_dir=folder, name=name)
        cert = x509.load_pem_x509_certificate(Path(made.files["cert_pem"].path).read_bytes())
        where = {"cert_path": made.files["cert_pem"].path, "key_path": made.files["key"].path}
    prints = thumbprints(cert)
    return (
        cert.public_bytes(serialization.Encoding.DER),
        prints.sha1_hex.upper(),
        {**where, "thumbprint_sha1": prints.sha1_hex.upper()},
    )


async def add_certificate(run: _Run, app: AppObject) -> list[str] | None:
    """PATCH keyCredentials = existing + new (the collection is replaced whole): the old key ids, or None."""
    have = {str(k.get("customKeyIdentifier", "")).upper(): str(k.get("keyId")) for k in app.key_credentials}
    name = app.unique_name or app.app_id
    if app.key_credentials and not run.req.certificate and not run.req.rotate:
        run.say("upload certificate", name, "skipped", "a certificate exists (--rotate adds one)")
        return None
    der, sha1, where = _certificate(run, name)
    run.result.certificate = where
    if sha1 in have:
        run.say("upload certificate", sha1, "skipped", "this certificate is registered")
        return None
    oid = app.object_id
    run.say("upload certificate", sha1, "start")
    raw = await run.call("read application", lambda: run.writer.raw_app(oid), about=oid)
    keys = [*(raw.key_credentials or []), certificate_key(der, f"edw {sha1[:8]}")]
    await run.call("upload certificate", lambda: run.writer.patch_app(oid, key_credentials=keys), about=oid)
    after = await run.call("read application", lambda: run.writer.get_app(oid), about=oid)
    key_id = next(
        (str(k["keyId"]) for k in after.key_credentials if str(k.get("customKeyIdentifier")).upper() == sha1),
        "",
    )
    run.record(Entry("key_credential", oid, parent=oid, key_id=key_id, label=f"certificate {sha1}"))
    run.result.changed.append("keyCredentials")
    run.say("upload certificate", sha1, "done", f"keyId {key_id}")
    return list(have.values())


async def remove_old(run: _Run, app: AppObject, old: list[str]) -> None:
    """--rotate: prove a token with the new credential, then remove the old ones (else keep them)."""
    from wizard.admin.verify import prove_token

    if not old:
        return
    run.say("rotate", app.unique_name or app.app_id, "start", "proving a token with the new credential")
    proof = prove_token(run.plan, run.result, run.options, expect_roles=())
    if not proof.ok:
        run.result.findings.append(proof.finding())
        run.say(
            "rotate",
            app.unique_name or app.app_id,
            "failed",
            "old credentials kept: the new one is not live yet",
        )
        return
    oid = app.object_id
    if run.req.credential == "secret":
        for key_id in old:
            try:
                await run.call(
                    "remove old secret", partial(run.writer.remove_password, oid, key_id), about=oid
                )
            except GraphWriteError as exc:
                if exc.status != 404:
                    raise
    else:
        raw = await run.call("read application", lambda: run.writer.raw_app(oid), about=oid)
        keep = [k for k in raw.key_credentials or [] if str(k.key_id) not in set(old)]
        await run.call(
            "remove old certificates", lambda: run.writer.patch_app(oid, key_credentials=keep), about=oid
        )
    run.result.changed.append(f"removed {len(old)} old credential(s)")
    run.say("rotate", app.unique_name or app.app_id, "done", f"{len(old)} old credential(s) removed")
