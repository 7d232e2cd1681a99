"""The OS keyring for the secret: opt-in, refused on no keyring and on a plain file unless accepted."""

from __future__ import annotations

import pytest
from fake_keyring import Keyring, MemoryKeyring, PlaintextKeyring

from wizard.errors import SecretSourceError
from wizard.profile_store import profile_path
from wizard.secret import Secret
from wizard.secret_keyring import SERVICE, backend_problem, forget_secret, recall_secret, remember_secret

SECRET = Secret("Kr8Q~keyring-test-secret-0123456789abcdef")


def test_remembered_and_recalled_under_the_profile_name_and_never_in_the_profile() -> None:
    store = MemoryKeyring()
    remember_secret("mydaemon", SECRET, backend=store)
    assert store.items == {(SERVICE, "mydaemon"): SECRET.reveal()}
    assert recall_secret("mydaemon", backend=store) == SECRET
    marker = profile_path("mydaemon").with_suffix(".keyring")
    assert SECRET.reveal() not in marker.read_text("utf-8")
    forget_secret("mydaemon", backend=store)
    assert recall_secret("mydaemon", backend=store) is None and not store.items


def test_a_profile_never_stored_there_does_not_touch_the_keyring() -> None:
    store = MemoryKeyring()
    store.set_password(SERVICE, "other", "x" * 40)
    assert recall_secret("other", backend=store) is None  # no marker: the user never chose it


def test_a_plaintext_backend_is_refused_unless_accepted() -> None:
    store = PlaintextKeyring()
    assert backend_problem(store) == (
        "The keyring backend (fake_keyring.PlaintextKeyring) keeps secrets in a plain file on disk",
        True,
    )
    with pytest.raises(SecretSourceError, match="plain file") as refused:
        remember_secret("mydaemon", SECRET, backend=store)
    assert SECRET.reveal() not in str(refused.value) and not store.items
    remember_secret("mydaemon", SECRET, backend=store, allow_plaintext=True)
    assert recall_secret("mydaemon", backend=store) == SECRET


def test_no_keyring_is_refused_even_when_plain_files_are_accepted() -> None:
    with pytest.raises(SecretSourceError, match="No OS keyring"):
        remember_secret("mydaemon", SECRET, backend=Keyring(), allow_plaintext=True)
