"""Identity's writes, one module per concern (``organisations``, ``proofing``, ``delegations``, …).

Each service is named ``<thing>_<verb>``, takes keyword-only arguments, runs in one transaction
and writes its audit record there. Import from the concern's module, not from this package.
"""
