"""Gloss's own themes, beside Textual's: a high-contrast one, for low vision, glare, or a
projector — white on black, yellow for what has focus, every state told by more than a
shade (the app has the class -high-contrast then; gloss.tcss draws the cursor and the
panel's entry as black on white, as for NO_COLOR)."""

from __future__ import annotations

from textual.theme import BUILTIN_THEMES, Theme

HIGH_CONTRAST = Theme(
    name="gloss-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FF80FF",
    warning="#FFFF00",
    error="#FF6060",
    success="#00FF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#000000",
    boost="#FFFFFF20",
    dark=True,
    variables={
        "text-muted": "#FFFFFF",
        "footer-key-foreground": "#FFFF00",
        "footer-description-foreground": "#FFFFFF",
        "footer-background": "#000000",
        "border": "#FFFFFF",
        "border-blurred": "#A0A0A0",
        "input-cursor-background": "#FFFFFF",
        "input-cursor-foreground": "#000000",
        "input-selection-background": "#FFFF00 60%",
        "scrollbar": "#FFFFFF",
        "scrollbar-background": "#000000",
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
    },
)

# Every theme a user may name in config.toml's [theme] and pick in the palette.
THEMES: dict[str, Theme] = {**BUILTIN_THEMES, HIGH_CONTRAST.name: HIGH_CONTRAST}
