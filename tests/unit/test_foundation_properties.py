"""Property tests: arbitrary input into validators, scope and authority parsing, profile loading never crashes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.authority import parse_authority
from wizard.clouds import TenantType
from wizard.errors import ConfigFileError, ValidationError
from wizard.placeholders import find_placeholder
from wizard.profile import ApiKind, ApiTarget, Profile
from wizard.profile_store import loads
from wizard.scopes import normalise_scope
from wizard.secret import Secret, mask
from wizard.validation import check_client_id, check_secret, check_tenant, validate_profile

text = st.text(max_size=200)
urlish = st.one_of(
    text,
    st.builds(lambda h, p: f"https://{h}/{p}", st.text(max_size=40), st.text(max_size=60)),
)


@given(text)
def test_field_checks_return_problems_not_exceptions(value: str) -> None:
    for problems in (
        check_client_id(value, tenant=value),
        check_tenant(value),
        check_tenant(value, tenant_type=TenantType.EXTERNAL),
        check_secret(Secret(value)),
    ):
        assert all(p.message and p.fix for p in problems)
    assert find_placeholder(value) is None or isinstance(find_placeholder(value), str)


@given(st.one_of(text, st.lists(text, max_size=4)))
def test_scope_normalisation_returns_default_scope_or_typed_error(value: str | list[str]) -> None:
    try:
        scope = normalise_scope(value)
    except ValidationError as exc:
        assert exc.code is not None and exc.hint  # noqa: PT017 - property: every refusal explains itself
    else:
        assert scope.endswith("/.default")


@given(urlish)
def test_authority_parsing_returns_or_explains(value: str) -> None:
    try:
        parsed = parse_authority(value)
    except ValidationError as exc:
        assert exc.hint  # noqa: PT017 - property: every refusal explains itself
    else:
        assert parsed.tenant


@settings(max_examples=200)
@given(text, text, urlish, st.one_of(st.none(), text))
def test_validate_profile_never_raises(
    tenant: str, client: str, authority: str, resource: str | None
) -> None:
    profile = Profile(
        tenant=tenant,
        client_id=client,
        authority_override=authority or None,
        api=ApiTarget(kind=ApiKind.OWN, resource=resource),
    )
    for problem in validate_profile(profile, secret=Secret(client)):
        assert problem.severity in {"error", "warning"}


@given(st.one_of(text, st.binary(max_size=200).map(lambda b: b.decode("latin-1"))))
def test_profile_loader_raises_only_config_errors(value: str) -> None:
    try:
        result: object = loads(value)
    except ConfigFileError as exc:
        result = exc
    assert isinstance(result, (Profile, ConfigFileError))


@given(text)
def test_mask_never_reveals_more_than_six_characters(value: str) -> None:
    shown = mask(value).replace("…", "")
    assert len(shown) <= 6 or shown == "(empty)"
