"""``acr`` values: our levels of assurance as OpenID Connect authentication context classes.

The values are the plain level names ``low``, ``substantial`` and ``high`` (docs/oidc.md says
why: an ``acr`` is read relative to its issuer, agencies already use these words in service
definitions, and eIDAS's own URIs would claim a notification we do not have).

A client asks with ``acr_values``: the lowest known level it lists is the one needed (any level
listed is acceptable to it, and a higher one satisfies a lower). Unknown values are ignored. The
client's policy sets a floor it cannot ask below. The ``acr`` claim is the level the session
actually reached, which may be higher than asked.
"""

from __future__ import annotations

from onegate.identity.constants import LEVEL_ORDER, LevelOfAssurance

ACR_VALUES = [level.value for level in LEVEL_ORDER]


def level_needed(*, acr_values: str, minimum: str) -> LevelOfAssurance:
    """The level a request needs: the lowest known level in ``acr_values``, at least ``minimum``."""
    asked = [value for value in acr_values.split() if value in ACR_VALUES]
    needed = min(asked, key=ACR_VALUES.index) if asked else LevelOfAssurance.LOW
    return LevelOfAssurance(max(needed, minimum, key=ACR_VALUES.index))
