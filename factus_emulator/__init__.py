"""Offline Factus v1 emulator: a plain-Python core (``Sandbox``) and two transports.

Never used in production. See docs/emulator.md.
"""

from .core import Sandbox
from .state import CLIENT_ID, CLIENT_SECRET, PASSWORD, USERNAME

__all__ = ["CLIENT_ID", "CLIENT_SECRET", "PASSWORD", "USERNAME", "Sandbox"]
