"""What every inbox pane shares: the store, locale, acting user, the notice line and the action runner."""
from __future__ import annotations

import contextlib
import dataclasses
from typing import Any, Callable, Iterator, Mapping, TypeVar

import ipywidgets as w
import pandas as pd

from ... import i18n
from ...errors import PipeOneError
from ...ops.permissions import Actor, allowed
from ...store import Store
from ..components import Notice

T = TypeVar("T")


class SharedRead(Store):
    """A Store view for the reads of one click: one read-only connection, opened by the first read (so an error
    opening it surfaces inside the read that needed it) and closed by close()."""

    def __init__(self, store: Store) -> None:
        self.settings, self.path, self._memory, self._migrated = store.settings, store.path, None, True
        self._store = store
        self._stack: contextlib.ExitStack | None = None
        self._con: Any = None

    @contextlib.contextmanager
    def read(self) -> Iterator[Any]:
        """The shared connection, opened on first use."""
        if self._con is None:
            stack = contextlib.ExitStack()
            self._con = stack.enter_context(self._store.read())
            self._stack = stack
        yield self._con

    def write(self) -> Iterator[Any]:
        """Never: writes go through ops on the real store, outside any reading() block."""
        raise RuntimeError("SharedRead is for reads only")

    def close(self) -> None:
        """Close the connection if one was opened."""
        if self._stack is not None:
            self._stack.close()
        self._stack, self._con = None, None


@dataclasses.dataclass
class Context:
    """The session of one inbox: every read opens its own short-lived connection through `store`."""

    store: Store
    locale: str
    actor: Actor | None
    notice: Notice
    _bound: SharedRead | None = None

    @property
    def timezone(self) -> str:
        return self.store.settings.timezone

    @property
    def source(self) -> Store:
        """Where reads go: the connection of the current reading() block, else the store (a connection per read)."""
        return self._bound or self.store

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """One read-only connection shared by the reads of one click (opening the file costs as much as a
        query), closed when the click's reads are done. Writes (ops) never run inside it."""
        if self._bound is not None:
            yield
            return
        self._bound = SharedRead(self.store)
        try:
            yield
        finally:
            self._bound.close()
            self._bound = None

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
