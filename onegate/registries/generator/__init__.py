"""The synthetic population generator (``manage.py registry_generate``).

Deterministic and realistic: the same seed (and start date) makes the same people, with the same
UUIDs, in households whose ages, names, links, documents and addresses agree. ``service`` runs it;
``population`` turns one chunk of households into rows; ``people`` and ``households`` draft them;
``names``, ``addresses``, ``documents`` and ``numbering`` supply what a record needs; ``writers``
puts the rows in the database (COPY on PostgreSQL).
"""
