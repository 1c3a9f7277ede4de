"""The inbox app (CONVERSATIONS screen): list, timeline with actions and composer, contact profile."""
from .app import InboxApp, inbox_app

__all__ = ["InboxApp", "inbox_app"]
