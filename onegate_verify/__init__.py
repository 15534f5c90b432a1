"""Offline verification of OneGate credentials (SD-JWT VC with Token Status Lists).

This package imports neither Django nor anything of ``onegate``: the console command
``onegate-verify`` runs on a verifier's laptop with only the cached issuer keys and status lists.
The server uses the same SD-JWT and status list code to issue, so both sides agree by construction.
"""
