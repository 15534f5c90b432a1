"""Shared base pieces every domain app stands on: model bases, languages, background work."""
