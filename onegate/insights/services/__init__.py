"""The insights module's writes: recording events and rebuilding the aggregates from them (the
service owners' figures and the survey's answers live beside them)."""
