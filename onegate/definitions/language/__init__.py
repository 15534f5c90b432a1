"""The service definition language: parse, check and evaluate a service definition file."""
