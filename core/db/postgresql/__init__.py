"""Django's PostgreSQL backend, with server-side parameters kept under the protocol's limit."""
