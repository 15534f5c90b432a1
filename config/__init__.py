"""Project configuration: settings read from the environment, URL roots, the WSGI entry point."""
