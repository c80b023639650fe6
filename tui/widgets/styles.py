"""Component styles looked up once: a Line API widget asks for them on every line it draws."""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


class CachedStyles:
    """Mixin for a Widget: `cached_style(name)` is `get_component_rich_style(name,
    partial=True)` (the widget's own style for ""), remembered until the CSS or theme
    changes — looking one up walks the theme and the stylesheet.

    A plain mixin, listed after the Textual base class (Textual gathers DEFAULT_CSS along
    the first base, so a Widget subclass in front would hide the ScrollView's CSS); being
    after Widget in the MRO, it cannot override `notify_style_update` itself.
    """

    _cached_styles: dict[str, Style] | None = None

    def cached_style(self, name: str = "") -> Style:
        assert isinstance(self, Widget)
        if self._cached_styles is None:
            self._cached_styles = {}
        style = self._cached_styles.get(name)
        if style is None:
            style = self.get_component_rich_style(name, partial=True) if name else self.rich_style
            self._cached_styles[name] = style
        return style

    def forget_cached_styles(self) -> None:
        """Call from the widget's `notify_style_update`: the CSS or theme changed."""
        self._cached_styles = None
