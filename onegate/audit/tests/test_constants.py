"""The action registry: one list, every value named after its domain and used once."""

from __future__ import annotations

from onegate.audit.constants import ACTION_GROUPS, KNOWN_ACTIONS


def test_every_action_value_is_prefixed_with_one_domain_per_group():
    for group in ACTION_GROUPS:
        domains = {action.value.split(".", 1)[0] for action in group}
        assert len(domains) == 1, group
        assert all(action.value.count(".") == 1 for action in group), group


def test_no_two_actions_share_a_value():
    members = [action for group in ACTION_GROUPS for action in group]
    assert len(KNOWN_ACTIONS) == len(members)
