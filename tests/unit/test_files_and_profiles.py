"""Safe writes, saved profiles and secret sources."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from wizard.clouds import Cloud, TenantType
from wizard.errors import ConfigFileError, FileExistsRefusal, SecretSourceError, UsageError
from wizard.profile import ApiKind, ApiTarget, CertificateRef, CredentialKind, Profile
from wizard.profile_store import dumps, list_profiles, load_profile, loads, save_profile
from wizard.safe_write import git_exposure, write_atomic
from wizard.secret import Secret, mask
from wizard.secret_sources import from_file, from_stream, read_secret


def test_secret_file_is_0600_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        written = write_atomic(tmp_path / "s.env", "X=1\n", secret=True)
        public = write_atomic(tmp_path / "p.json", "{}", secret=False)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "s.env").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "p.json").stat().st_mode) == 0o644
    assert written.to_dict()["mode"] == "600" and public.secret is False


def test_refuses_overwrite_then_keeps_backups(tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    write_atomic(target, "one", secret=True)
    with pytest.raises(FileExistsRefusal, match="already exists"):
        write_atomic(target, "two", secret=True)
    assert target.read_text() == "one"
    second = write_atomic(target, "two", secret=True, force=True)
    third = write_atomic(target, "three", secret=True, force=True)
    assert (second.backup, third.backup) == (str(target) + ".bak", str(target) + ".bak.1")
    assert [Path(b).read_text() for b in (second.backup, third.backup)] == ["one", "two"]
    assert target.read_text() == "three"
    assert stat.S_IMODE(Path(third.backup).stat().st_mode) == 0o600


def test_killed_writer_leaves_old_file_intact(tmp_path: Path) -> None:
    target = tmp_path / "config.json"
    target.write_text("old")
    script = textwrap.dedent(
        f"""
        import os, wizard.safe_write as sw
        real = os.replace
        def die(*a, **k):
            os._exit(9)  # the process dies between writing the temp file and the rename
        sw.os.replace = die
        sw.write_atomic({str(target)!r}, "new" * 1000, secret=True, force=True)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], check=False)
    assert proc.returncode == 9
    assert target.read_text() == "old"


def test_git_exposure_warns_only_when_not_ignored(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("*.env\n")
    assert git_exposure(tmp_path / "app.env") is None
    warning = git_exposure(tmp_path / "appsettings.json")
    assert warning is not None and ".gitignore" in warning
    outside = tmp_path.parent / "outside-repo-file.json"
    assert git_exposure(outside) is None or "work tree" in (git_exposure(outside) or "")


def test_profile_round_trip_and_no_secret(tmp_path: Path) -> None:
    profile = Profile(
        name="prod",
        tenant_type=TenantType.WORKFORCE,
        cloud=Cloud.USGOV,
        tenant="contoso.onmicrosoft.us",
        client_id="11112222-bbbb-3333-cccc-4444dddd5555",
        object_id="22223333-bbbb-3333-cccc-4444dddd5555",
        credential=CredentialKind.CERTIFICATE,
        certificate=CertificateRef(key_path="/k.pem", cert_path="/c.pem", thumbprint_sha1="AB" * 20),
        api=ApiTarget(
            kind=ApiKind.OWN, resource="api://x", base_url="https://api", required_roles=("A.Read",)
        ),
    )
    assert loads(dumps(profile)) == profile
    written = save_profile(profile)
    assert list_profiles() == ["prod"]
    assert load_profile("prod") == profile
    saved = Path(written.path).read_text()
    assert "secret" not in "".join(ln for ln in saved.splitlines() if not ln.startswith("#")).lower()
    with pytest.raises(FileExistsRefusal):
        save_profile(profile)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("tenant = ", "Not valid TOML"),
        ('cloud = "mars"', "cloud: 'mars' is not one of global, usgov, china"),
        ("tenant = 5", "tenant: expected a string, found int"),
        ('api = "x"', "api: expected a table"),
        ("[api]\nrequired_roles = [1]", "list of strings"),
    ],
)
def test_bad_profile_files(text: str, match: str) -> None:
    with pytest.raises(ConfigFileError, match=match):
        loads(text)


def test_unknown_and_bad_profile_names() -> None:
    with pytest.raises(UsageError, match="No profile named"):
        load_profile("missing")
    with pytest.raises(UsageError, match="not a valid profile name"):
        load_profile("../etc/passwd")


def test_secret_wrapper_never_shows_the_value() -> None:
    s = Secret("Abc8Q~verysecretvaluethatmustnotleak12")
    for shown in (str(s), repr(s), f"{s}", f"{s:>50}", s.masked):
        assert "verysecret" not in shown
    assert mask("Abc8Q~verysecretvaluethatmustnotleak12") == "Abc…k12"
    assert mask("short") == "………" and mask("") == "(empty)"
    import pickle

    with pytest.raises(TypeError):
        pickle.dumps(s)


def test_secret_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert from_stream(io.StringIO("value\n")).reveal() == "value"
    assert from_stream(io.StringIO("va lue \r\n")).reveal() == "va lue "
    with pytest.raises(SecretSourceError, match="No secret arrived"):
        from_stream(io.StringIO(""))
    f = tmp_path / "secret.txt"
    f.write_text("from-file\n")
    f.chmod(0o644)
    value, warnings = from_file(f)
    assert value.reveal() == "from-file"
    assert warnings and "chmod 600" in warnings[0]
    with pytest.raises(SecretSourceError, match="does not exist"):
        from_file(tmp_path / "missing")
    with pytest.raises(SecretSourceError, match="is a directory"):
        from_file(tmp_path)
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", "from-env")
    got, _ = read_secret()
    assert got is not None and got.reveal() == "from-env"
    got, _ = read_secret(use_stdin=True, stdin=io.StringIO("from-stdin"))
    assert got is not None and got.reveal() == "from-stdin"
    with pytest.raises(SecretSourceError, match="not both"):
        read_secret(use_stdin=True, file=str(f))
