"""Writes that the file system refuses, sets written all or none, folders 0700, no-overwrite atomic."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

import wizard.safe_write as sw
from wizard.cli.main import main
from wizard.errors import FileExistsRefusal, FileWriteError, PathError
from wizard.exitcodes import ExitCode, exit_code_for
from wizard.safe_write import PlannedFile, write_atomic, write_files

CLIENT = "6a1f3c2e-0b9d-4c57-8e21-3f4d5a6b7c8d"
PROFILE = ["--tenant", "contoso.onmicrosoft.com", "--client-id", CLIENT, "--no-prompt"]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@contextlib.contextmanager
def _tmpfs(where: Path, options: str) -> Iterator[Path]:
    """A small tmpfs (root only); skips where mounting is not allowed."""
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True, check=False
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_folders_the_tool_creates_are_0700_under_umask_000(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        written = write_atomic(tmp_path / "a" / "b" / "c.json", "{}", secret=True)
    finally:
        os.umask(old)
    assert _mode(tmp_path / "a") == 0o700
    assert _mode(tmp_path / "a" / "b") == 0o700
    assert _mode(Path(written.path)) == 0o600


def test_a_file_where_a_folder_is_expected_is_a_clear_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "blocker").write_text("I am a file")
    with pytest.raises(PathError) as caught:
        write_atomic(tmp_path / "blocker" / "sub" / "x.json", "{}", secret=False)
    assert exit_code_for(caught.value) is ExitCode.USAGE
    code = main(["export", "--format", "profile", "--out", str(tmp_path / "blocker" / "p.toml"), *PROFILE])
    captured = capsys.readouterr()
    assert code == 2
    assert "is a file, not a folder" in captured.err
    assert "Traceback" not in captured.err
    assert (tmp_path / "blocker").read_text() == "I am a file"


def test_a_dangling_bak_symlink_is_stepped_over_not_written_through(tmp_path: Path) -> None:
    target = tmp_path / "config.json"
    target.write_text("old")
    outside = tmp_path / "elsewhere" / "never-created"
    (tmp_path / "config.json.bak").symlink_to(outside)
    written = write_atomic(target, "new", secret=True, force=True)
    assert target.read_text() == "new"
    assert written.backup == str(target) + ".bak.1"
    assert Path(written.backup).read_text() == "old"
    assert not outside.exists() and not outside.parent.exists()
    assert os.path.islink(tmp_path / "config.json.bak")


def test_a_dangling_symlink_at_the_target_is_refused_without_force(tmp_path: Path) -> None:
    target = tmp_path / "config.json"
    target.symlink_to(tmp_path / "victim")
    with pytest.raises(FileExistsRefusal):
        write_atomic(target, "x", secret=True)
    assert not (tmp_path / "victim").exists()


def test_disk_full_on_the_data_leaves_nothing_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = os.open

    def staged_to_dev_full(path: object, flags: int, mode: int = 0o777, **kw: object) -> int:
        if ".staging" in str(path) and flags & os.O_CREAT:  # its bytes go to /dev/full: a real ENOSPC
            os.close(real_open(path, flags, mode))  # type: ignore[arg-type]
            return real_open("/dev/full", os.O_WRONLY)
        return real_open(path, flags, mode, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(sw.os, "open", staged_to_dev_full)
    with pytest.raises(FileWriteError) as caught:
        write_atomic(tmp_path / "out" / "parameters.json", "x" * 10_000, secret=True)
    assert "No space left" in caught.value.title
    assert exit_code_for(caught.value) is ExitCode.FAILURE
    assert _leftovers(tmp_path / "out") == []


def test_disk_full_on_a_small_tmpfs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with _tmpfs(tmp_path / "small", "size=16k") as small:
        code = main(
            ["cert", "new", "--subject", "CN=full", "--out", str(small / "certs"), "--key-size", "4096"]
        )
        captured = capsys.readouterr()
        assert code == 1, captured.err
        assert "No space left" in captured.err
        assert "Traceback" not in captured.err
        assert _leftovers(small / "certs") == []  # one set: none of the five files


def test_read_only_file_system(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with _tmpfs(tmp_path / "ro", "ro,size=16k") as ro:
        code = main(["export", "--format", "profile", "--out", str(ro / "p.toml"), *PROFILE])
        captured = capsys.readouterr()
        assert code == 1
        assert "read-only file system" in captured.err
        assert "Traceback" not in captured.err


def test_a_set_is_all_or_none_when_one_file_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "b.pem").write_text("old b")
    real_replace = os.replace
    calls: list[str] = []

    def fail_on_c(src: object, dst: object) -> None:
        calls.append(str(dst))
        if str(dst).endswith("c.pem"):
            raise OSError(errno.EIO, "Input/output error", str(dst))
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(sw.os, "replace", fail_on_c)
    files = [PlannedFile(tmp_path / n, n.encode(), True) for n in ("a.pem", "b.pem")]
    (tmp_path / "c.pem").write_text("old c")
    files.append(PlannedFile(tmp_path / "c.pem", b"c", True))
    with pytest.raises(FileWriteError):
        write_files(files, force=True)
    assert not (tmp_path / "a.pem").exists()  # placed, then taken back
    assert (tmp_path / "b.pem").read_text() == "old b"  # replaced, then restored from its backup
    assert (tmp_path / "c.pem").read_text() == "old c"
    assert _leftovers(tmp_path) == ["b.pem", "c.pem"]


def test_cert_new_writes_its_five_files_as_one_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_link = os.link

    def pfx_fails(src: object, dst: object, **kw: object) -> None:
        if str(dst).endswith(".pfx"):
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        real_link(src, dst, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(sw.os, "link", pfx_fails)
    assert main(["cert", "new", "--subject", "CN=set", "--out", str(tmp_path / "c")]) == 1
    assert _leftovers(tmp_path / "c") == []


def test_out_with_a_trailing_slash_or_an_existing_folder_writes_inside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--format", "profile", "--out", str(tmp_path / "newdir") + "/", *PROFILE]) == 0
    assert (tmp_path / "newdir" / "profile.toml").is_file()
    assert _mode(tmp_path / "newdir") == 0o700
    (tmp_path / "existing").mkdir()
    assert main(["export", "--format", "profile", "--out", str(tmp_path / "existing"), *PROFILE]) == 0
    assert (tmp_path / "existing" / "profile.toml").is_file()
    capsys.readouterr()


def test_dry_run_masks_an_old_secret_read_by_another_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = "OldSecretFromDotEnv-0123456789abc"  # not Entra-shaped, never wrapped in a Secret here
    target = tmp_path / "parameters.json"
    target.write_text(
        f"AZURE_TENANT_ID=contoso.onmicrosoft.com\nAZURE_CLIENT_ID={CLIENT}\nAZURE_CLIENT_SECRET={old}\n"
    )
    code = main(["export", "--format", "python-secret", "--out", str(target), "--dry-run", *PROFILE])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "AZURE_CLIENT_SECRET" in captured.out  # the old line is in the diff...
    assert old not in captured.out + captured.err  # ...masked
