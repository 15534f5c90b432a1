"""A second OneGate node for the remote-adapter tests and benchmark, run as a real server."""
