"""Password rules after NIST SP 800-63B: long passphrases welcome, no composition rules, and a
password on the bundled list of common and breached passwords (Django's list of 20,000 from
public breaches, plus words people here reach for first) is refused with a reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

EXTRA_LIST = Path(__file__).resolve().parent / "data" / "common-passwords-local.txt"


class MaximumLengthValidator:
    """Refuse only absurd lengths (NIST: allow at least 64 characters)."""

    def __init__(self, max_length: int = 128) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                _("Use %(max)s characters or fewer for your password.") % {"max": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("Your password can be up to %(max)s characters long.") % {"max": self.max_length}


class BreachedPasswordValidator(CommonPasswordValidator):
    """Django's breached-password list plus our local list, compared without case or spaces."""

    def __init__(self) -> None:
        super().__init__()
        local = EXTRA_LIST.read_text(encoding="utf-8").splitlines()
        self.passwords |= {
            line.strip().lower() for line in local if line.strip() and not line.startswith("#")
        }

    def validate(self, password: str, user: Any = None) -> None:
        folded = password.lower().strip()
        if folded in self.passwords or "".join(folded.split()) in self.passwords:
            raise ValidationError(self.get_error_message(), code="password_too_common")

    def get_error_message(self) -> str:
        return _(
            "This password is too common or has appeared in a data breach. Choose another: three "
            "or four random words make a strong password that is easy to remember."
        )

    def get_help_text(self) -> str:
        return _(
            "Your password can't be one that is commonly used or has appeared in a data breach."
        )


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's first recommended setting: 19 MiB of memory, 2 passes, 1 lane.

    Django's defaults (100 MiB, 2 passes, 8 lanes) cost about 140 ms and 100 MiB per sign-in on
    these 2-core machines, capping them at about 8 sign-ins a second and letting anyone with a
    list of email addresses exhaust memory. This setting still costs an attacker with the hashes
    dearly per guess (RFC 9106 section 4; OWASP Password Storage Cheat Sheet). Hashes made with
    other parameters are re-hashed at the next sign-in (same algorithm name, ``must_update``).
    """

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
