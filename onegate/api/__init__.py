"""The versioned REST API at /api/v1/ (django-ninja), its OpenAPI document and RFC 9457 errors."""
