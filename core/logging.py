"""A logging filter that removes secrets from every record before any handler writes it."""

import logging
import re

# key=value, "key": "value" and Authorization headers: the shapes a token or password takes in
# URLs, form bodies, JSON and repr()'d dicts.
_PATTERNS = [
    re.compile(
        r"(?i)(?P<key>[\"']?(?:access_token|refresh_token|client_secret|password|token|secret)"
        r"[\"']?\s*[:=]\s*[\"']?)(?P<value>[^\"'&,\s}]+)"
    ),
    re.compile(r"(?i)(?P<key>bearer\s+)(?P<value>[A-Za-z0-9._~+/=-]+)"),
]
REDACTED = "[REDACTED]"


def redact(text: str) -> str:
    """Replace the value of every secret-looking field in text."""
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group("key") + REDACTED, text)
    return text


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logged as is rather than dropped
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
