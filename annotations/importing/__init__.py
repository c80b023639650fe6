"""Imports from other tools' files: REFI-QDA projects (`qdpx`) and W3C Web Annotation
collections (`jsonld`).

Each importer reads a whole file into plain data — Gloss json records that
`Store.import_records` merges all or nothing — and raises `ImportFailure` with one line
naming what is wrong before anything is written. Nothing here writes a file.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from typing import Any

from annotations.errors import GlossError

# What an import may take from a zip: past these a member, or the whole archive, is
# refused instead of read (a zip bomb or a huge member must not exhaust memory).
MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_MEMBERS = 100_000


class ImportFailure(GlossError):
    """A file cannot be imported; the message says what is wrong in it, on one line."""


@dataclass
class ImportPlan:
    """What an import would add: Gloss json records, and what it leaves out and why.

    `records` is `{"gloss": 1, "documents": [...], "annotations": [...]}` for
    `Store.import_records`; `skipped` names each thing not imported, one line each."""

    records: dict[str, Any]
    skipped: list[str] = field(default_factory=list)


class BoundedZip:
    """A zip read with limits: each member read at most `MAX_MEMBER_BYTES`, all of them
    together at most `MAX_TOTAL_BYTES`, whatever the sizes its directory claims."""

    def __init__(self, archive: zipfile.ZipFile, label: str) -> None:
        self.archive = archive
        self.label = label
        self.read_so_far = 0
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ImportFailure(f"{label}: holds {len(infos)} files, more than {MAX_MEMBERS}")
        # Names as the zip spells them, found case-insensitively (`Sources/` or `sources/`).
        self.names = {info.filename.casefold(): info for info in infos if not info.is_dir()}

    def find(self, name: str) -> zipfile.ZipInfo | None:
        """The member called `name` (any case), or None."""
        return self.names.get(name.casefold())

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """The member's bytes; `ImportFailure` past a limit or for a damaged member."""
        if info.file_size > MAX_MEMBER_BYTES:
            raise ImportFailure(
                f"{self.label}: {info.filename} is {info.file_size} bytes unpacked, "
                f"more than {MAX_MEMBER_BYTES}"
            )
        allowed = min(MAX_MEMBER_BYTES, MAX_TOTAL_BYTES - self.read_so_far)
        try:
            with self.archive.open(info) as member:
                # The directory's size can lie: read one byte more than allowed to know.
                data = member.read(allowed + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as error:
            raise ImportFailure(f"{self.label}: {info.filename} cannot be read ({error})") from None
        if len(data) > allowed:
            raise ImportFailure(
                f"{self.label}: {info.filename} unpacks to more than {allowed} bytes"
                " (refused: a zip bomb or a member too large)"
            )
        self.read_so_far += len(data)
        return data
