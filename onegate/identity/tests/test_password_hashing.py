"""Passwords are stored with Argon2id at the chosen cost; older hashes are upgraded at sign-in."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, identify_hasher

from onegate.identity.passwords import Argon2idHasher

BASE_HASHERS = [
    "onegate.identity.passwords.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = BASE_HASHERS


def test_the_production_settings_hash_with_argon2id_first() -> None:  # (test settings use MD5)
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "onegate.identity.passwords.Argon2idHasher"


def test_a_new_password_is_argon2id_with_19_mib_2_passes_1_lane(production_hashers):
    stored = Argon2idHasher().encode("correct horse battery staple", Argon2idHasher().salt())
    assert stored.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert identify_hasher(stored).__class__ is Argon2idHasher


@pytest.mark.django_db
def test_a_hash_made_with_djangos_defaults_is_upgraded_at_the_next_sign_in(
    production_hashers, django_user_model
):
    old = Argon2PasswordHasher().encode(
        "correct horse battery staple", Argon2PasswordHasher().salt()
    )
    user = django_user_model.objects.create_user("upgrade@example.test")
    user.password = old
    user.save()
    assert "m=102400" in user.password
    assert user.check_password("correct horse battery staple")
    user.refresh_from_db()
    assert "m=19456,t=2,p=1" in user.password
    assert check_password("correct horse battery staple", user.password)
