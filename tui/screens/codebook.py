"""The codebook screen (`C` from the reader, and the palette): the codes as a tree by group
and parent, and every change to them while reading — add, rename, keys, colour, describe,
move, nest, merge, split, delete — each an undoable change through the reader's editor
(`Editor.edit_codebook`, annotations/codebook_edits.py), usable in the reader at once.

The screen owns only which code is highlighted. Each change goes to the reader's
`edit_codebook`, which saves it, rebinds the reader's keys and redraws; the screen then
shows the codebook it is given back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from annotations import codebook_edits as edits
from annotations.codebook import Code, Codebook
from annotations.codebook_store import tagged, usage
from annotations.errors import CodebookError
from annotations.safe_text import visible
from tui import keys
from tui.widgets.code_form import CodeForm, SplitDialog
from tui.widgets.code_marks import marker_style

if TYPE_CHECKING:
    from tui.screens.reader import ReaderScreen


class CodebookScreen(ModalScreen[None]):
    """The codebook of the reader that opened it; `escape` goes back to reading."""

    BINDINGS = [
        Binding("a", "add", "Add", id="codebook.add"),
        Binding("r", "rename", "Rename", id="codebook.rename"),
        Binding("k", "keys", "Keys", id="codebook.keys"),
        Binding("c", "colour", "Colour", id="codebook.colour"),
        Binding("e", "describe", "Describe", id="codebook.describe"),
        Binding("n", "nest", "Move/nest", id="codebook.nest"),
        Binding("M", "merge", "Merge", id="codebook.merge"),
        Binding("s", "split", "Split", id="codebook.split"),
        Binding("delete,d", "delete", "Delete", id="codebook.delete"),
        Binding("u", "undo", "Undo", id="codebook.undo"),
        Binding("ctrl+r", "redo", "Redo", show=False, id="codebook.redo"),
        Binding("escape,q", "close", "Back", id="codebook.close"),
    ]

    def __init__(self, reader: ReaderScreen) -> None:
        super().__init__()
        self.reader = reader

    @property
    def codebook(self) -> Codebook:
        return self.reader.codebook

    def compose(self) -> ComposeResult:
        with Vertical(id="codebook-dialog"):
            yield Label(Content(f"Codebook: {visible(self.codebook.name)}"), classes="dialog-title")
            yield OptionList(id="codebook-codes")
            yield Label(
                Content(
                    "a add · r rename · k keys · c colour · e describe · n move or nest · "
                    "M merge · s split · d delete · u undo · esc back"
                ),
                classes="dialog-help",
            )

    def on_mount(self) -> None:
        self.show_codebook()
        self.query_one(OptionList).focus()

    # -- the tree ------------------------------------------------------------------------

    def show_codebook(self, select: str | None = None) -> None:
        """Draw the codes by group, nested codes under their parent, with keys, marker,
        label, how many annotations carry each, and the description."""
        options = self.query_one(OptionList)
        current = select or self.highlighted_code_id()
        options.clear_options()
        counts = usage(self.reader.store)
        keymap = getattr(self.app, "keymap_in_force", {})
        codebook = self.codebook
        for group in codebook.groups:
            exclusive = " (one at a time)" if group.exclusive else ""
            options.add_option(
                Option(Content.styled(visible(group.label) + exclusive, "italic"), disabled=True)
            )
            for code in codebook.codes_in(group.id):
                options.add_option(Option(self._row(code, counts, keymap), id=code.id))
        if current is not None:
            try:
                options.highlighted = options.get_option_index(current)
            except Exception:  # the code is gone (deleted, merged): the first code
                options.highlighted = 1 if options.option_count > 1 else None
        elif options.option_count > 1:
            options.highlighted = 1

    def _row(self, code: Code, counts: dict[str, int], keymap: dict[str, str]) -> Content:
        indent = "  " * code.depth  # nested codes under their parent
        used = counts.get(code.id, 0)
        described = code.description if code.description != code.label else ""
        return Content.assemble(
            indent,
            (f" {self.codebook.marker(code.id)} ", marker_style(code.color)),
            " ",
            (visible(code.label), "bold"),
            f"  {keys.show_code_keys(code, keymap) or '—'}",
            (f"  {used} in use" if used else "  unused", "dim"),
            f"  {visible(described)}" if described else "",
            (f"  memo: {visible(code.memo.splitlines()[0])}" if code.memo else "", "italic"),
        )

    def highlighted_code_id(self) -> str | None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return None
        return options.get_option_at_index(options.highlighted).id

    def _highlighted(self) -> Code | None:
        code_id = self.highlighted_code_id()
        code = self.codebook.code(code_id) if code_id else None
        if code is None:
            self.notify("Highlight a code first.", severity="warning", markup=False)
        return code

    # -- changes -----------------------------------------------------------------------

    def _edit(
        self, operation: Callable[..., edits.CodebookEdit], *args: Any, **kwargs: Any
    ) -> None:
        try:
            change = self.reader.edit_codebook(operation, *args, **kwargs)
        except CodebookError as error:
            self.notify(visible(str(error)), title="Not changed", severity="error", markup=False)
            return
        if change is not None:
            self.notify(visible(change.description) + " — u takes it back", markup=False)
            self.show_codebook(change.code_id or None)

    def _ask(
        self, title: str, fields: list[tuple[str, str, str]], then: Callable[[dict[str, str]], None]
    ) -> None:
        self.app.push_screen(CodeForm(title, fields), lambda got: then(got) if got else None)

    def action_add(self) -> None:
        here = self.highlighted_code_id()
        code = self.codebook.code(here) if here else None
        under = code.group if code else (self.codebook.groups[0].id if self.codebook.groups else "")
        self._ask(
            "Add a code",
            [
                ("under", "group, or a code to nest it under", under),
                ("label", "label", ""),
                ("keys", "key (and the same key under other layouts, spaces between)", ""),
                ("color", "colour (#rrggbb; empty: a free Okabe–Ito colour)", ""),
                ("description", "description", ""),
            ],
            self._added,
        )

    def _added(self, got: dict[str, str]) -> None:
        under = got["under"].strip()
        parent = None if self.codebook.group(under) else self.codebook.code(self._named(under))
        group = parent.group if parent else under
        self._edit(
            edits.add_code,
            group,
            got["label"].strip(),
            keys=got["keys"].split(),
            color=got["color"].strip() or None,
            description=got["description"].strip(),
            parent=parent.id if parent else None,
            reserved=keys.reserved_keys(getattr(self.app, "keymap_in_force", {})),
        )

    def action_rename(self) -> None:
        code = self._highlighted()
        if code is not None:
            self._ask(
                f"Rename {visible(code.id)}",
                [("label", "label", code.label)],
                lambda got: self._edit(edits.rename_code, code.id, got["label"].strip()),
            )

    def action_keys(self) -> None:
        code = self._highlighted()
        if code is not None:
            reserved = keys.reserved_keys(getattr(self.app, "keymap_in_force", {}))
            self._ask(
                f"Keys of {visible(code.label)}",
                [("keys", "keys, spaces between (empty: no key)", " ".join(code.keys))],
                lambda got: self._edit(
                    edits.set_keys, code.id, got["keys"].split(), reserved=reserved
                ),
            )

    def action_colour(self) -> None:
        code = self._highlighted()
        if code is not None:
            self._ask(
                f"Colour of {visible(code.label)}",
                [("color", "colour (#rrggbb)", code.color)],
                lambda got: self._edit(edits.set_color, code.id, got["color"].strip()),
            )

    def action_describe(self) -> None:
        code = self._highlighted()
        if code is not None:
            self._ask(
                f"Describe {visible(code.label)}",
                [("description", "description", code.description), ("memo", "memo", code.memo)],
                lambda got: self._edit(
                    edits.describe_code,
                    code.id,
                    description=got["description"],
                    memo=got["memo"],
                ),
            )

    def action_nest(self) -> None:
        code = self._highlighted()
        if code is not None:
            self._ask(
                f"Move or nest {visible(code.label)}",
                [
                    (
                        "where",
                        "a code to nest it under (label or id), a group to move it to, empty: top",
                        "",
                    )
                ],
                lambda got: self._moved(code, got["where"].strip()),
            )

    def _named(self, text: str) -> str:
        """The id of the code `text` names — its id, or its label if one code has it —
        else `text` as typed (the edit then says there is no such code)."""
        if self.codebook.code(text) is not None:
            return text
        labelled = [c.id for c in self.codebook.codes if c.label.casefold() == text.casefold()]
        return labelled[0] if len(labelled) == 1 else text

    def _moved(self, code: Code, where: str) -> None:
        if not where:
            self._edit(edits.nest_code, code.id, None)
        elif self.codebook.group(where) is not None:
            self._edit(edits.move_code, code.id, where)
        else:
            self._edit(edits.nest_code, code.id, self._named(where))

    def action_merge(self) -> None:
        code = self._highlighted()
        if code is not None:
            self._ask(
                f"Merge {visible(code.label)} into",
                [("into", "the code it becomes (its label or id)", "")],
                lambda got: self._edit(
                    edits.merge_codes, code.id, self._named(got["into"].strip())
                ),
            )

    def action_split(self) -> None:
        code = self._highlighted()
        if code is not None:
            self._ask(
                f"Split {visible(code.label)}",
                [("labels", "labels of the new codes, commas between", "")],
                lambda got: self._split(code, got["labels"]),
            )

    def _split(self, code: Code, labels_text: str) -> None:
        labels = [label.strip() for label in labels_text.split(",") if label.strip()]
        try:
            preview = edits.split_code(self.codebook, code.id, labels)
        except CodebookError as error:
            self.notify(visible(str(error)), title="Not changed", severity="error", markup=False)
            return
        known = {c.id for c in self.codebook.codes}
        new_codes = [(c.id, c.label) for c in preview.codebook.codes if c.id not in known]
        annotations = tagged(self.reader.store, code.id)

        def chosen(assignment: dict[str, list[str]] | None) -> None:
            if assignment is not None:
                self._edit(edits.split_code, code.id, labels, assignment)

        self.app.push_screen(SplitDialog(visible(code.label), new_codes, annotations), chosen)

    def action_delete(self) -> None:
        code = self._highlighted()
        if code is not None:
            self._edit(edits.delete_code, code.id)

    def action_undo(self) -> None:
        self.reader.action_undo()
        self.show_codebook()

    def action_redo(self) -> None:
        self.reader.action_redo()
        self.show_codebook()

    def action_close(self) -> None:
        self.dismiss(None)
