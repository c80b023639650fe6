"""`gloss import` of other tools' files: a REFI-QDA project (`.qdpx`) or a W3C Web
Annotation collection (`.jsonld`). The importers are in `annotations.importing`; this
writes what they read (the codebook file, the store) and says what happened."""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
from pathlib import Path

from annotations.codebook import Codebook
from annotations.codebook_import import codebook_import
from annotations.document import read_file
from annotations.errors import CodebookError, RecordError, StoreError
from annotations.importing import ImportFailure, ImportPlan
from annotations.importing.jsonld import read_jsonld
from annotations.importing.qdpx import read_qdpx
from annotations.safe_text import visible
from annotations.store import Store
from annotations.validation import check_export
from tui.commands import common
from tui.commands.doctor import progress_bar
from tui.keys import reserved_keys


def run_qdpx(options: argparse.Namespace) -> int:
    """Import a `.qdpx`: documents, annotations and analysts into the store, its codebook
    as a TOML file beside the store (named in each document's metadata)."""
    store_path = common.store_path(options.db)
    try:
        project = read_qdpx(
            options.file,
            label=str(options.file),
            codebook_in_force=_codebook_in_force(options, store_path),
            reserved=reserved_keys(),
        )
    except ImportFailure as error:
        return common.fail(visible(str(error), newline=" "))
    written: Path | None = None
    if project.codebook is not None:
        written = _codebook_path(store_path, options.file, project.codebook)
        for record in project.plan.records["documents"]:
            record["metadata"]["codebook"] = str(written)
    code = _merge(options, store_path, project.plan, written, project.codebook)
    if code == 0 and written is not None and project.codebook is not None:
        codes = len(project.codebook.codes)
        groups = len(project.codebook.groups)
        keyless = sum(1 for c in project.codebook.codes if not c.key)
        print(
            visible(
                f"codebook: {groups} group{'s' if groups != 1 else ''}, {codes} code"
                f"{'s' if codes != 1 else ''}"
                + (f" ({keyless} without a key: no key was free)" if keyless else "")
                + f" written to {written}; the store's codebook has its codes",
                newline=" ",
            ),
            file=sys.stderr,
        )
    return code


def _codebook_in_force(options: argparse.Namespace, store_path: Path) -> Codebook:
    """The store's codebook when there is a store (its codes keep their ids and keys),
    else `--codebook`, config.toml's or the default."""
    if store_path.expanduser().is_file():
        with Store(store_path, read_only=True) as store:
            return common.codebook_of(store, options)
    return common.codebook(options)


def run_jsonld(options: argparse.Namespace) -> int:
    """Import W3C Web Annotations onto the documents already in the store; those that
    cannot be anchored are listed on stderr."""
    store_path = common.store_path(options.db)
    data = read_file(options.file, "jsonld file")
    if not store_path.expanduser().exists():
        return common.fail(
            f"{store_path}: no store yet — open the annotated documents with gloss first, "
            "then import their annotations"
        )
    try:
        with Store(store_path, read_only=True) as store:
            documents = store.documents()
    except StoreError as error:
        return common.fail(visible(str(error), newline=" "))
    try:
        plan = read_jsonld(data, label=str(options.file), documents=documents)
    except ImportFailure as error:
        return common.fail(visible(str(error), newline=" "))
    return _merge(options, store_path, plan, None, None)


def _merge(
    options: argparse.Namespace,
    store_path: Path,
    plan: ImportPlan,
    codebook_path: Path | None,
    codebook: Codebook | None,
) -> int:
    records = plan.records
    try:
        # The records an importer made pass the same checks as a json import's.
        check_export(records)
    except RecordError as error:
        return common.fail(visible(f"{options.file}: {error}", newline=" "))
    try:
        with Store(store_path) as store, progress_bar("importing") as progress:
            if codebook_path is not None and codebook is not None:
                _write_codebook(codebook_path, codebook)
            try:
                if codebook is not None:
                    records = {**records, "codebook": codebook.to_data()}
                # The store records the project's codebook, or adds the codes it lacks.
                records, side = codebook_import(store, records)
                report = store.import_records(records, progress=progress, checked=True, side=side)
            except (StoreError, CodebookError):
                if codebook_path is not None:
                    with contextlib.suppress(OSError):
                        codebook_path.unlink()
                raise
    except (StoreError, CodebookError, OSError) as error:
        message = error.strerror if isinstance(error, OSError) else str(error)
        return common.fail(visible(f"{options.file}: {message}", newline=" "))
    analysts = sorted({a["analyst"] for a in records["annotations"]})
    memos = sum(1 for a in records["annotations"] if a["memo"])
    documents = len(records["documents"])
    print(
        visible(
            f"imported from {options.file}: {documents} document{'s' if documents != 1 else ''}"
            f", {len(records['annotations'])} annotations ({memos} with a memo)"
            + (f"; analysts: {', '.join(analysts)}" if analysts else ""),
            newline=" ",
        ),
        file=sys.stderr,
    )
    print(
        f"  {report.documents_added} new documents, {report.annotations_added} new annotations;"
        f" {report.annotations_updated} updated, {report.unchanged} unchanged,"
        f" {report.conflicts} conflicts (the later change kept)",
        file=sys.stderr,
    )
    for line in plan.skipped:
        print(visible(f"  skipped: {line}", newline=" "), file=sys.stderr)
    return 0


def _codebook_path(store_path: Path, source: Path, codebook: Codebook) -> Path:
    """Beside the store: `<file>-codebook.toml`, numbered when one of that name holds
    another codebook (never replaced)."""
    stem = re.sub(r"[^\w.-]+", "-", source.stem).strip("-.") or "imported"
    folder = store_path.expanduser().resolve().parent
    text = codebook.to_toml()
    for number in range(1, 1000):
        suffix = "" if number == 1 else f"-{number}"
        candidate = folder / f"{stem}-codebook{suffix}.toml"
        try:
            if not candidate.exists() or candidate.read_text("utf-8") == text:
                return candidate
        except (OSError, UnicodeDecodeError):
            continue
    return folder / f"{stem}-codebook-{os.getpid()}.toml"


def _write_codebook(path: Path, codebook: Codebook) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(codebook.to_toml(), encoding="utf-8")
    os.replace(temporary, path)
