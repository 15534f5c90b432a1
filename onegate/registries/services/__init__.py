"""The registries' write services, one module per register; import them from their module."""
