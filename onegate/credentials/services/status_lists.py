"""Token Status Lists as stored: drawing an index for a new credential and setting its value.

An index is drawn at random from an open list (so a list does not reveal the order credentials
were issued in), under the list's row lock; a list is closed to new draws once
``STATUS_LIST_FILL_LIMIT`` of it is taken and a new one opened. Setting a value changes the raw
bit array and bumps ``version`` under the same lock; the signed token is made lazily when the
list is next fetched (``onegate.credentials.publishing``).

Only private helpers live here: the services of ``issuance`` and ``lifecycle`` call them inside
their own transactions and write the audit records.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from onegate.credentials.constants import (
    STATUS_LIST_BITS,
    STATUS_LIST_FILL_LIMIT,
    STATUS_LIST_SIZE,
)
from onegate.credentials.models import Credential, StatusList

ALLOCATE_TRIES = 32


def _list_new(size: int = STATUS_LIST_SIZE) -> StatusList:
    return StatusList.objects.create(
        bits=STATUS_LIST_BITS,
        size=size,
        data=bytes(size * STATUS_LIST_BITS // 8),
        updated_at=timezone.now(),
    )


def _open_list_locked() -> StatusList:
    """The oldest open list, locked (its bit array not read); a new one when none is open."""
    found = (
        StatusList.objects.select_for_update()
        .filter(is_open=True)
        .defer("data", "token")
        .order_by("pk")
        .first()
    )
    return found if found is not None else _list_new()


def _index_allocate() -> tuple[StatusList, int]:
    """A free index in an open list for a new credential (inside the caller's transaction)."""
    for _attempt in range(ALLOCATE_TRIES):
        status_list = _open_list_locked()
        index = secrets.randbelow(status_list.size)
        if Credential.objects.filter(status_list=status_list, status_index=index).exists():
            continue  # taken: draw again
        status_list.allocated += 1
        if status_list.allocated >= status_list.size * STATUS_LIST_FILL_LIMIT:
            status_list.is_open = False
        status_list.save(update_fields=["allocated", "is_open"])
        return status_list, index
    raise RuntimeError("no free status list index after several draws")


def _values_set(values: Iterable[tuple[Credential, int]]) -> None:
    """Set each credential's status value (0 valid, 1 revoked, 2 suspended) in its list, one
    locked read and write per list, ``version`` bumped (inside the caller's transaction)."""
    from onegate_verify.statuslist import StatusBits

    by_list: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for credential, value in values:
        by_list[credential.status_list_id].append((credential.status_index, value))
    for list_id in sorted(by_list):  # one order everywhere: no deadlock between two changes
        status_list = StatusList.objects.select_for_update().defer("token").get(pk=list_id)
        bits = StatusBits(status_list.bits, status_list.size, bytes(status_list.data))
        for index, value in by_list[list_id]:
            bits.set(index, value)
        status_list.data = bits.to_bytes()
        status_list.version += 1
        status_list.updated_at = timezone.now()
        status_list.save(update_fields=["data", "version", "updated_at"])
        _forget_now_and_at_commit(list_id)


def _forget_now_and_at_commit(list_id: int) -> None:
    """Drop the cached token now (this process's next fetch reads the change) and again at
    commit (a fetch between now and the commit may have cached the old version)."""
    from onegate.credentials.publishing import status_list_forget

    status_list_forget(list_id)
    transaction.on_commit(lambda: status_list_forget(list_id))
