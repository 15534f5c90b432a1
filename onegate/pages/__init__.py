"""The site's frame: the Jinja2 environment, the page layout, information pages and error pages."""
