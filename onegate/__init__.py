"""OneGate: one identity, one front door, every government service."""
