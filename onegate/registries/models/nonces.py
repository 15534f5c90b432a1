"""Nonces of signed node-to-node requests, kept until the request expires, so none is used twice.

A table, not the cache: the database cache evicts entries when full and a per-process cache is not
shared, and either would let a captured request be replayed within its lifetime.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RemoteRequestNonce(models.Model):
    """One signed request's ``jti`` from one node; the unique pair refuses a replay."""

    node = models.CharField(_("node"), max_length=64)
    jti = models.CharField(_("nonce"), max_length=128)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("remote request nonce")
        verbose_name_plural = _("remote request nonces")
        constraints = [models.UniqueConstraint(fields=["node", "jti"], name="reg_nonce_once")]

    def __str__(self) -> str:
        return f"{self.node} {self.jti}"
