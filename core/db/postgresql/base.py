"""Django's PostgreSQL backend (psycopg 3) with statements bound on the server, so psycopg prepares
the ones a connection runs again (settings.py: ``server_side_binding``, ``prepare_threshold``).

A statement bound on the server takes at most 65,535 parameters (the protocol counts them in 16
bits); bound on the client, as Django does by default, it has no such limit, so Django's PostgreSQL
backend never splits its own statements. This one does, as Django's Oracle and SQLite backends do:
the deletion collector (deleting 70,000 invoices collects their lines by id), ``bulk_update`` and
``bulk_create`` work in batches that fit. (Our own ``__in`` lists are bounded: a page, a bulk run of
at most 1,000 invoices, a catalogue.)
"""

from itertools import chain

from django.db.backends.postgresql import base, features, operations
from django.db.models import CompositePrimaryKey


class DatabaseFeatures(features.DatabaseFeatures):
    max_query_params = 2**16 - 1


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields, objs):
        """As many rows as fit in one statement's parameters (one per field and row)."""
        columns = list(
            chain.from_iterable(
                field.fields if isinstance(field, CompositePrimaryKey) else [field] for field in fields
            )
        )
        if columns:
            return self.connection.features.max_query_params // len(columns)
        return len(objs)


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
    ops_class = DatabaseOperations
