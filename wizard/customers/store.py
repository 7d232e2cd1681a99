"""Customer books on disk: `<config dir>/customers/<profile>.json`, beside the profile, never a secret."""

from __future__ import annotations

import json
import os
from pathlib import Path

from wizard.customers.model import CustomerBook, book_from_dict
from wizard.errors import ConfigFileError
from wizard.paths import config_dir
from wizard.profile_store import check_name


def book_path(profile: str) -> Path:
    return config_dir() / "customers" / f"{check_name(profile)}.json"


def load_book(profile: str, *, home_tenant: str = "") -> CustomerBook:
    """The profile's customers; an empty book (home tenant filled in) when none were added yet."""
    path = book_path(profile)
    if not path.is_file():
        return CustomerBook(profile=profile, home_tenant=home_tenant)
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigFileError(f"{path} cannot be read as a customers file", path=str(path)) from exc
    book = book_from_dict(data, where=str(path))
    if home_tenant and not book.home_tenant:
        from dataclasses import replace

        book = replace(book, home_tenant=home_tenant)
    return book


def save_book(book: CustomerBook) -> Path:
    """Replace the file at once (a temporary file renamed over it): a book is rewritten at every answer, so
    no `.bak` trail as for configs."""
    path = book_path(book.profile)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(book.to_dict(), indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ConfigFileError(f"Cannot write {path}: {exc.strerror or exc}", path=str(path)) from None
    return path
