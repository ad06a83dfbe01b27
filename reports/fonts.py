"""The embedded fonts: DejaVu covers French (accents, « », U+202F) and ReportLab embeds TrueType subsets.

The standard PDF fonts (Helvetica...) are not embedded and miss the narrow no-break space; an archived letter
must print the same everywhere, hence DejaVu (Debian fonts-dejavu-core, see scripts/ensure-debian-packages.sh).
"""

from __future__ import annotations

import os
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus.tables import CellStyle

FONT_DIR = Path(os.environ.get("REHAB_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
SANS = "DejaVuSans"
SANS_BOLD = "DejaVuSans-Bold"
SANS_ITALIC = "DejaVuSans-Oblique"
SANS_BOLD_ITALIC = "DejaVuSans-BoldOblique"
SERIF = "DejaVuSerif"
SERIF_BOLD = "DejaVuSerif-Bold"

_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    SANS_ITALIC: "DejaVuSans-Oblique.ttf",
    SANS_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
    SERIF: "DejaVuSerif.ttf",
    SERIF_BOLD: "DejaVuSerif-Bold.ttf",
}


class FontsMissing(RuntimeError):
    """The DejaVu fonts are not installed: run scripts/ensure-debian-packages.sh."""


def register_fonts() -> None:
    """Register the DejaVu faces once per process (idempotent) and map <b>/<i> to them."""
    # Table cells start in ReportLab's default face (Helvetica, never embedded) even when every cell holds a
    # Paragraph: make the default ours, so that each PDF carries only the embedded DejaVu faces.
    CellStyle.fontname = SANS
    registered = set(pdfmetrics.getRegisteredFontNames())
    if all(name in registered for name in _FILES):
        return
    for name, filename in _FILES.items():
        path = FONT_DIR / filename
        if not path.is_file():
            raise FontsMissing(f"Police introuvable : {path} (installer fonts-dejavu-core).")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    addMapping(SANS, 0, 0, SANS)
    addMapping(SANS, 1, 0, SANS_BOLD)
    addMapping(SANS, 0, 1, SANS_ITALIC)
    addMapping(SANS, 1, 1, SANS_BOLD_ITALIC)
    addMapping(SERIF, 0, 0, SERIF)
    addMapping(SERIF, 1, 0, SERIF_BOLD)
    addMapping(SERIF, 0, 1, SERIF)
    addMapping(SERIF, 1, 1, SERIF_BOLD)
