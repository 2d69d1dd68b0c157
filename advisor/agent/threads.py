"""The list of saved conversations: id, title (first question), last use, number of turns.

LangGraph's checkpointer stores each thread's messages but offers no cheap "list threads"
query, so this small table sits next to its tables in the same SQLite file. A row is written
when a question is asked, before any answer, so a conversation closed mid-answer still lists.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

TITLE_CHARS = 80


@dataclass(frozen=True)
class ThreadInfo:
    id: str
    title: str
    updated_at: datetime
    turns: int


def new_thread_id() -> str:
    return uuid.uuid4().hex[:8]


class ThreadStore:
    def __init__(self, db: Path) -> None:
        db.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(db), check_same_thread=False, timeout=10)
        with self._conn:
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS advisor_threads ("
                "id TEXT PRIMARY KEY, title TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL, turns INTEGER NOT NULL)"
            )

    def record_question(self, thread_id: str, question: str) -> None:
        """New thread: titled by its first question; existing: one more turn, used now."""
        now = time.time()
        title = " ".join(question.split())[:TITLE_CHARS]
        with self._conn:
            self._conn.execute(
                "INSERT INTO advisor_threads (id, title, created_at, updated_at, turns) VALUES (?, ?, ?, ?, 1) "
                "ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at, turns = turns + 1",
                (thread_id, title, now, now),
            )

    def list(self) -> list[ThreadInfo]:
        rows = self._conn.execute("SELECT id, title, updated_at, turns FROM advisor_threads ORDER BY updated_at DESC").fetchall()
        return [ThreadInfo(i, t, datetime.fromtimestamp(u, tz=timezone.utc), n) for i, t, u, n in rows]

    def exists(self, thread_id: str) -> bool:
        return self._conn.execute("SELECT 1 FROM advisor_threads WHERE id = ?", (thread_id,)).fetchone() is not None

    def delete(self, thread_id: str) -> None:
        with self._conn:
            self._conn.execute("DELETE FROM advisor_threads WHERE id = ?", (thread_id,))

    def close(self) -> None:
        self._conn.close()
