"""Declarative views: one ModelView per entity, and thin row-action endpoints that call
into actions/ and answer with htmx fragments (or full pages without JavaScript)."""
