"""What every inbox pane shares: the store, locale, acting user, the notice line and the action runner."""
from __future__ import annotations

import dataclasses
from typing import Any, Callable, Mapping, TypeVar

import ipywidgets as w
import pandas as pd

from ... import i18n
from ...errors import PipeOneError
from ...ops.permissions import Actor, allowed
from ...store import Store
from ..components import Notice

T = TypeVar("T")


@dataclasses.dataclass
class Context:
    """The session of one inbox: every read opens its own short-lived connection through `store`."""

    store: Store
    locale: str
    actor: Actor | None
    notice: Notice

    @property
    def timezone(self) -> str:
        return self.store.settings.timezone

    def t(self, key: str, **values: Any) -> str:
        """A UI string in the session's locale."""
        return i18n.t(key, self.locale, **values)

    def attempt(self, fn: Callable[[], T], done: str | None = None) -> T | None:
        """Run one action; its error (any error) goes to the notice line as one sentence, never to a log."""
        try:
            result = fn()
        except PipeOneError as exc:
            self.notice.show(str(exc), "error")
            return None
        except Exception as exc:  # an unexpected failure must still be seen by the person who clicked
            self.notice.show(self.t("inbox_unexpected", error=f"{type(exc).__name__}: {exc}"), "error")
            return None
        if done:
            self.notice.show(done, "ok")
        return result

    def gate(self, button: w.Button, action: str, conversation: Mapping[str, Any] | None,
             refusal: str | None = None) -> None:
        """Enable the button when the acting user may do the action (and no refusal applies); else disable it
        with the reason as its tooltip."""
        ok, reason = allowed(self.actor, action, conversation, self.locale)
        if ok and refusal:
            ok, reason = False, refusal
        button.disabled = not ok
        button.tooltip = reason or button.description

    def now(self) -> pd.Timestamp:
        return pd.Timestamp.now(tz=self.timezone)
