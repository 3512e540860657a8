"""Accent- and case-insensitive matching that works the same on SQLite and PostgreSQL."""

import unicodedata

from django.db.models import CharField, F, Func

_ACCENTED = "áàäâéèëêíìïîóòöôúùüûñçÁÀÄÂÉÈËÊÍÌÏÎÓÒÖÔÚÙÜÛÑÇ"
_PLAIN = "aaaaeeeeiiiioooouuuuncaaaaeeeeiiiioooouuuunc"
SQLITE_FUNCTION = "catalog_fold"


def fold(text: str) -> str:
    """Lower-case, accent-free form of ``text`` (the Python side of :func:`folded`)."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class Folded(Func):
    """``field`` lower-cased without Spanish accents: TRANSLATE on PostgreSQL, a Python function on SQLite."""

    arity = 1
    output_field = CharField()
    # Accented capitals are translated too: LOWER() ignores them under the C locale.
    template = f"TRANSLATE(LOWER(%(expressions)s), '{_ACCENTED}', '{_PLAIN}')"

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template=f"{SQLITE_FUNCTION}(%(expressions)s)", **extra_context
        )


def folded(field: str) -> Folded:
    return Folded(F(field))


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """connection_created receiver: give SQLite the fold() used by :class:`Folded`."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FUNCTION, 1, lambda value: None if value is None else fold(value), deterministic=True
        )
