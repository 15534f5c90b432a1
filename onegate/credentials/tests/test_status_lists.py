"""Token Status Lists: random, unique indexes; a new list when one fills; each change bumps the
version and the published token follows; a token is signed again only when needed."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from onegate.cases.tests.factories import demo_services  # noqa: F401  (fixture)
from onegate.credentials.constants import STATUS_LIST_BITS, STATUS_LIST_FILL_LIMIT
from onegate.credentials.models import StatusList
from onegate.credentials.publishing import status_list_token, status_list_uri
from onegate.credentials.selectors import trusted_keys
from onegate.credentials.services.status_lists import _index_allocate, _list_new, _values_set
from onegate.credentials.tests.factories import current_credential, entitlement_make


def read(list_id: int):
    from onegate_verify.statuslist import status_list_token_verify

    token, _etag = status_list_token(list_id=list_id)
    return status_list_token_verify(
        token, keys=trusted_keys(), uri=status_list_uri(list_id), now=int(time.time())
    )


@pytest.mark.django_db
def test_indexes_are_drawn_at_random_and_a_full_list_is_closed():
    small = _list_new(size=16)
    drawn = []
    for _ in range(int(16 * STATUS_LIST_FILL_LIMIT)):
        status_list, index = _index_allocate()
        assert status_list.pk == small.pk
        drawn.append(index)
    small.refresh_from_db()

    assert not small.is_open and small.allocated == 8
    assert drawn != sorted(drawn) or len(set(drawn)) == len(drawn)
    following, _index = _index_allocate()
    assert following.pk != small.pk and following.is_open


@pytest.mark.usefixtures("demo_services")
def test_two_credentials_never_share_an_index():
    first = current_credential(entitlement_make())
    second = current_credential(entitlement_make())

    assert (first.status_list_id, first.status_index) != (
        second.status_list_id,
        second.status_index,
    )


@pytest.mark.usefixtures("demo_services")
def test_a_change_sets_two_bits_and_bumps_the_version():
    credential = current_credential(entitlement_make())
    status_list = StatusList.objects.get(pk=credential.status_list_id)
    before = status_list.version

    _values_set([(credential, 2)])

    status_list.refresh_from_db()
    assert status_list.version == before + 1
    assert status_list.bits == STATUS_LIST_BITS
    assert read(status_list.pk).get(credential.status_index) == 2
    _values_set([(credential, 1)])
    assert read(status_list.pk).get(credential.status_index) == 1


@pytest.mark.usefixtures("demo_services")
def test_the_token_is_signed_again_only_when_the_list_changed_or_nears_expiry():
    credential = current_credential(entitlement_make())
    list_id = credential.status_list_id

    first, first_etag = status_list_token(list_id=list_id)
    again, again_etag = status_list_token(list_id=list_id)
    assert (again, again_etag) == (first, first_etag)

    _values_set([(credential, 2)])
    changed, changed_etag = status_list_token(list_id=list_id)
    assert changed != first and changed_etag != first_etag

    StatusList.objects.filter(pk=list_id).update(
        token_expires_at=timezone.now() + dt.timedelta(minutes=30)
    )
    status_list_token(list_id=list_id)  # signed again (the same second may sign the same bytes)
    expires = StatusList.objects.get(pk=list_id).token_expires_at
    assert expires is not None and expires > timezone.now() + dt.timedelta(hours=23)


@pytest.mark.django_db
def test_an_unknown_list_is_not_found():
    with pytest.raises(StatusList.DoesNotExist):
        status_list_token(list_id=987654)
