"""Account-related settings as the real settings module computes them (not the test overrides)."""

import importlib
import importlib.util
from types import ModuleType

import pytest
from django.core.exceptions import ImproperlyConfigured

from safepath.core.env import env_bool

PRODUCTION_ENV = {
    "SAFEPATH_ENV": "production",
    "SECRET_KEY": "test-only-production-secret-key-0123456789abcdef0123456789",
    "SAFEPATH_FIELD_KEYS": "dGVzdC1vbmx5LWZpZWxkLWtleS0zMi1ieXRlcy0xMjM=",
    "SAFEPATH_BLIND_INDEX_KEY": "test-only-blind-index-key-for-settings-test",
    "DATABASE_URL": "postgres://safepath@db.invalid:5432/safepath",
}


def _fresh_settings(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> ModuleType:
    """Execute safepath/settings.py again, as a separate module, under `env`."""
    for name in (*PRODUCTION_ENV, "SAFEPATH_REQUIRE_MFA", "SAFEPATH_DEBUG"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"{name}_FILE", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    real = importlib.import_module("safepath.settings")
    assert real.__file__ is not None
    spec = importlib.util.spec_from_file_location("safepath_settings_under_test", real.__file__)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_argon2_is_the_first_password_hasher() -> None:
    real = importlib.import_module("safepath.settings")
    assert real.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_hashes_a_password() -> None:
    from django.contrib.auth.hashers import Argon2PasswordHasher

    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("correct-horse-battery-staple", hasher.salt())
    assert encoded.startswith("argon2$argon2id$")
    assert hasher.verify("correct-horse-battery-staple", encoded)
    assert not hasher.verify("wrong", encoded)


def test_sessions_are_short_and_refreshed_on_every_request() -> None:
    real = importlib.import_module("safepath.settings")
    assert real.SESSION_COOKIE_AGE == 1800
    assert real.SESSION_SAVE_EVERY_REQUEST is False  # the middleware refreshes it
    assert real.SAFEPATH_SESSION_TOUCH_SECONDS == 60
    assert real.SAFEPATH_SESSION_MAX_SECONDS == 12 * 60 * 60
    assert real.SESSION_COOKIE_HTTPONLY is True
    assert real.SAFEPATH_TOKEN_LIFETIME.total_seconds() == 8 * 60 * 60


def test_password_validators_require_twelve_characters() -> None:
    real = importlib.import_module("safepath.settings")
    minimum = [
        v for v in real.AUTH_PASSWORD_VALIDATORS if v["NAME"].endswith("MinimumLengthValidator")
    ]
    assert minimum == [
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 12},
        }
    ]


def test_mfa_is_required_by_default_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    module = _fresh_settings(monkeypatch, PRODUCTION_ENV)
    assert module.PRODUCTION is True
    assert module.SAFEPATH_REQUIRE_MFA is True
    assert module.SESSION_COOKIE_SECURE is True


def test_mfa_is_optional_by_default_in_development(monkeypatch: pytest.MonkeyPatch) -> None:
    module = _fresh_settings(monkeypatch, {"SAFEPATH_ENV": "development"})
    assert module.PRODUCTION is False
    assert module.SAFEPATH_REQUIRE_MFA is False


@pytest.mark.parametrize(("word", "expected"), [("0", False), ("yes", True)])
def test_mfa_requirement_can_be_set_explicitly(
    monkeypatch: pytest.MonkeyPatch, word: str, expected: bool
) -> None:
    module = _fresh_settings(monkeypatch, {**PRODUCTION_ENV, "SAFEPATH_REQUIRE_MFA": word})
    assert module.SAFEPATH_REQUIRE_MFA is expected


@pytest.mark.parametrize("word", ["1", "true", "YES", " on "])
def test_env_bool_true_words(monkeypatch: pytest.MonkeyPatch, word: str) -> None:
    monkeypatch.setenv("SAFEPATH_TEST_FLAG", word)
    assert env_bool("SAFEPATH_TEST_FLAG", False) is True


@pytest.mark.parametrize("word", ["0", "false", "No", "off", ""])
def test_env_bool_false_words(monkeypatch: pytest.MonkeyPatch, word: str) -> None:
    monkeypatch.setenv("SAFEPATH_TEST_FLAG", word)
    assert env_bool("SAFEPATH_TEST_FLAG", True) is False


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_unset_gives_the_default(monkeypatch: pytest.MonkeyPatch, default: bool) -> None:
    monkeypatch.delenv("SAFEPATH_TEST_FLAG", raising=False)
    assert env_bool("SAFEPATH_TEST_FLAG", default) is default


def test_env_bool_refuses_other_words_without_echoing_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAFEPATH_TEST_FLAG", "perhaps-secret")
    with pytest.raises(ImproperlyConfigured) as excinfo:
        env_bool("SAFEPATH_TEST_FLAG", True)
    assert "perhaps-secret" not in str(excinfo.value)
