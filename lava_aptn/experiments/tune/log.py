"""The search folder's files and its append-only JSON-lines logs."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lava_aptn.errors import LavaAptnError
from lava_aptn.io import atomic_write_text

#: Files of a search folder.
SEARCH_FILE = "search.json"
LOG_FILE = "candidates.jsonl"
SEEDS_FILE = "seeds.jsonl"
SUMMARY_FILE = "summary.md"
BEST_FILE = "best.json"
#: Version of the files' layout.
FORMAT_VERSION = 1


def append_record(path: str | os.PathLike, record: Mapping[str, Any]) -> None:
    """Append one JSON line to ``path`` with a single write, then fsync it."""
    data = (json.dumps(record, sort_keys=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def read_log(path: str | os.PathLike, *, repair: bool = False) -> list[dict[str, Any]]:
    """Return the records of a JSON-lines log (``[]`` when it does not exist).

    A last line without its newline (a write cut short) is ignored; with ``repair`` it
    is also removed from the file, so that later appends start on a fresh line.
    """
    path = Path(path)
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    partial = lines.pop()  # "" when the file ends with a newline
    if partial and repair:
        atomic_write_text(path, "".join(line + "\n" for line in lines))
    records = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise LavaAptnError(f"{path}:{number}: not a JSON record ({exc})") from None
    return records
