"""The audit trail of registry questions between OneGate nodes, one record on each side.

The asking node records that it asked (``remote_query_record_sent``), in the caller's transaction,
once the answer has arrived and its signature checked; a question that fails records nothing, so
a failure never leaves half a record behind (the logs carry it instead). The answering node
records that it answered (``remote_query_record_answered``) in the transaction of the read, beside
the access records its local adapter writes for each person. Both carry the request's nonce
(``jti``), which ties the two records together across nodes. No personal data goes in: the
questions' arguments stay out of the payload.
"""

from __future__ import annotations

from django.db import transaction

from onegate.audit.constants import RegistryAction
from onegate.audit.services import audit_record
from onegate.registries.adapters.base import AccessContext

SUBJECT_TYPE = "registries.node"


def remote_query_record_sent(
    *, access: AccessContext, node: str, question: str, request_id: str, results: int
) -> None:
    """Record that this node asked ``node`` a question for ``access`` and got an answer."""
    with transaction.atomic():
        audit_record(
            actor=access.user,
            action=RegistryAction.REMOTE_QUERY_SENT,
            subject_type=SUBJECT_TYPE,
            subject_id=node,
            purpose=access.purpose,
            payload={
                "question": question,
                "request": request_id,
                "results": results,
                "reader": {
                    "kind": str(access.kind),
                    "id": access.accessor_id,
                    "organisation": access.organisation,
                    "channel": access.channel,
                },
            },
        )


def remote_query_record_answered(
    *, access: AccessContext, question: str, request_id: str, results: int
) -> None:
    """Record that this node answered a question from the node ``access.accessor_id``."""
    with transaction.atomic():
        audit_record(
            actor=None,
            action=RegistryAction.REMOTE_QUERY_ANSWERED,
            subject_type=SUBJECT_TYPE,
            subject_id=access.accessor_id,
            purpose=access.purpose,
            payload={
                "question": question,
                "request": request_id,
                "results": results,
                "organisation": access.organisation,
            },
        )
