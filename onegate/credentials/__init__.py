"""Entitlements granted by decisions, their digital credentials (SD-JWT VC), and verification."""
