"""Subcommands of `gloss`: name -> function that registers its argument parser."""

from collections.abc import Callable

from tui.commands import (
    agree,
    attributes,
    codebook,
    config,
    doctor,
    exchange,
    open_reader,
    query,
    search,
    stats,
)

COMMANDS: dict[str, Callable] = {
    "open": open_reader.register,
    "export": exchange.register_export,
    "import": exchange.register_import,
    "doctor": doctor.register,
    "stats": stats.register,
    "agree": agree.register,
    "codebook": codebook.register,
    "query": query.register,
    "search": search.register,
    "config": config.register,
    "attributes": attributes.register,
}
