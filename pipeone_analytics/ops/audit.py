"""The one path of every write: check the role on the current state, read before, write, audit.

`audited(...)` opens one store transaction. Inside it the actor is re-read (a role changed or a
teammate deactivated since the session started counts), the conversation's current state is
derived by core/status.py (or, when the caller hands back a state it holds with its version and
that version is still the store's, taken as held: ops/state.py), the permission is checked, and
the body writes. On leaving the block one `audit_log` row is written in the same transaction; an
error anywhere rolls everything back. A caller may also hand a read to run on the transaction right
after the write (`read_after`, e.g. what a screen redraws): it sees what was written, on the
connection already open, and its value comes back with the result.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import math
import uuid
from typing import Any, Callable, Iterator, Mapping

import duckdb
import pandas as pd

from .. import i18n
from ..errors import ValidationError
from ..store import Store
from . import permissions
from .permissions import Actor
from .state import checked_state


class BoundStore(Store):
    """A Store view over one open transaction, so core functions read what this transaction sees."""

    def __init__(self, con: duckdb.DuckDBPyConnection, store: Store) -> None:
        self.settings = store.settings
        self.path = store.path
        self._memory = None
        self._migrated = True
        self._con = con

    @contextlib.contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The transaction's own connection (left open: the transaction owns it)."""
        yield self._con

    @contextlib.contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Already inside a write transaction: the same connection."""
        yield self._con


ReadAfter = Callable[[Store], Any] | None


def new_id() -> str:
    """A fresh UUID as text, for every row ops creates."""
    return str(uuid.uuid4())


def plain(value: Any) -> Any:
    """A JSON-ready copy: timestamps as ISO text, NaN/NA as null, numpy scalars as Python."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def dumps(value: Any) -> str | None:
    """JSON text of a plain() copy, or None for None."""
    return None if value is None else json.dumps(plain(value), ensure_ascii=False, sort_keys=True)


@dataclasses.dataclass
class Operation:
    """One audited unit of work: the body reads `conversation`, writes through `con`, sets before/after."""

    con: duckdb.DuckDBPyConnection
    store: BoundStore
    actor: Actor
    at: pd.Timestamp
    action: str
    target_type: str
    target_id: str
    conversation: Mapping[str, Any] | None = None
    held_current: bool = False
    read_after: ReadAfter = None
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    audit_id: str = dataclasses.field(default_factory=new_id)

    @property
    def locale(self) -> str:
        """The account's UI language, for error messages."""
        return self.store.settings.locale

    def read(self) -> Any:
        """The caller's read_after run on this transaction (call it after the write); None without one."""
        return None if self.read_after is None else self.read_after(self.store)

    def fail(self, message: str, /, **values: Any) -> ValidationError:
        """A ValidationError with the i18n message key `message` in the account locale (raise it)."""
        return ValidationError(i18n.t(message, self.locale, **values))


@contextlib.contextmanager
def audited(store: Store, actor: Actor | None, action: str, target_type: str, target_id: str,
            permission: str | None = None, conversation_id: str | None = None,
            held: Mapping[str, Any] | None = None, read_after: ReadAfter = None) -> Iterator[Operation]:
    """One write transaction: re-read the actor, check `permission` (default: action), yield, audit.

    held: the conversation's state as the caller holds it, with its "version" (ops/state.py);
    read_after: a read for Operation.read()."""
    permission = permission or action
    locale = store.settings.locale
    if actor is None:
        permissions.check(None, permission, None, locale)
    with store.write() as con:
        bound = BoundStore(con, store)
        fresh = permissions.current(bound, actor)
        at = pd.Timestamp.now(tz="UTC")
        conversation, held_current = None, False
        if conversation_id is not None:
            conversation, held_current = checked_state(bound, conversation_id, held, at)
        permissions.check(fresh, permission, conversation, locale)
        op = Operation(con=con, store=bound, actor=fresh, at=at, action=action, target_type=target_type,
                       target_id=target_id, conversation=conversation, held_current=held_current,
                       read_after=read_after)
        yield op
        con.execute("INSERT INTO audit_log (audit_id, created_at, actor_id, role, action, target_type, "
                    "target_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [op.audit_id, op.at, fresh.agent_id, fresh.role, op.action, op.target_type,
                     op.target_id, dumps(op.before), dumps(op.after)])


def audit_log(store: Store, target_type: str | None = None, target_id: str | None = None) -> pd.DataFrame:
    """The audit trail, newest first, optionally for one target.

    Columns: audit_id, created_at, actor_id, role, action, target_type, target_id, before, after.
    """
    return store.df("SELECT audit_id, created_at, actor_id, role, action, target_type, target_id, "
                    "before, after FROM audit_log "
                    "WHERE ($type::VARCHAR IS NULL OR target_type = $type) "
                    "AND ($id::VARCHAR IS NULL OR target_id = $id) ORDER BY created_at DESC, audit_id",
                    {"type": target_type, "id": target_id})

