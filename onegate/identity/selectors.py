"""Reads about an account's identity: the registry person it is linked to, and how well proved.

Each takes the account it is about; the caller is that account's own session (or a service
acting for it), so no further access check applies. Reading the person's registry data goes
through the registry adapter with the person id these return.
"""

from __future__ import annotations

from typing import Any

from onegate.identity.constants import LevelOfAssurance
from onegate.identity.models import IdentityLink


def identity_link_for(user: Any) -> IdentityLink | None:
    """The account's link to a registry person, or None if it has not been proved."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return IdentityLink.objects.filter(user_id=user.pk).first()


def person_id_for(user: Any) -> str | None:
    """The registry person id the account is linked to (as a string), or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    person_id = IdentityLink.objects.filter(user_id=user.pk).values_list("person_id", flat=True)
    found = person_id.first()
    return None if found is None else str(found)


def identity_level(user: Any) -> LevelOfAssurance:
    """How well the account's identity is proved: ``low`` until it is linked to a person."""
    link = identity_link_for(user)
    return LevelOfAssurance.LOW if link is None else LevelOfAssurance(link.level)
