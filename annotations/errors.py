"""The errors the library reports: each carries a message a user can act on."""


class GlossError(Exception):
    """Base of every error the library raises on purpose."""


class DocumentError(GlossError):
    """A document cannot be read: missing, unreadable, binary, empty or badly encoded."""


class CodebookError(GlossError):
    """A codebook file is invalid; the message names the line and the reason."""


class StoreError(GlossError):
    """The store cannot be opened or written; the message names the file."""


class ExportError(GlossError):
    """An export cannot be made or written: unknown format, empty store, unwritable path."""


class PasswordRequired(DocumentError):
    """An encrypted document needs its password (or the one given was wrong)."""


class RecordError(StoreError):
    """A record from outside (an import file) is malformed, so the store refuses it; the
    message names the record and the field."""
