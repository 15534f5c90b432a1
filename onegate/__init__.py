"""OneGate: one identity, one front door, every government service."""

from onegate.command_lines import keep_out

keep_out()  # before any library is imported: see onegate.command_lines
