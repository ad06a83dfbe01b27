"""Turning user-typed text into safe Platypus paragraphs.

ReportLab's Paragraph parses a mini-markup: a référent who types « <b> » or « R&D » would either crash the
renderer or silently change the letter. Everything typed is therefore escaped, its line breaks kept, characters
the embedded font cannot draw (emoji) replaced by a visible mark, and very long texts cut into several
paragraphs so that they flow across pages instead of forming one unbreakable block.
"""

from __future__ import annotations

import re
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph

from reports.fonts import SANS, register_fonts

PLACEHOLDER = "\u25a1"  # □ — visible, present in DejaVu, tells the reader a character was not printable
MAX_CHUNK = 1200  # characters per Paragraph: keeps splitting cheap and lets long texts break across pages
_INVISIBLE = frozenset((0xFE0E, 0xFE0F, 0x200D))  # emoji presentation selectors and joiner
_BREAK = re.compile(r"\r\n|\r|\n")


@lru_cache(maxsize=8)
def _glyphs(font_name: str) -> frozenset[int]:
    """Code points the (registered, TrueType) font has a glyph for."""
    register_fonts()
    font = pdfmetrics.getFont(font_name)
    if isinstance(font, TTFont):
        return frozenset(font.face.charToGlyph)
    return frozenset(range(32, 256))


def printable(text: str, font_name: str = SANS) -> str:
    """The text with every character the font lacks replaced by the placeholder (no tofu, no crash)."""
    glyphs = _glyphs(font_name)
    out = []
    for char in text:
        if ord(char) in _INVISIBLE:
            continue
        if char in "\r\n\t" or ord(char) in glyphs:
            out.append(char)
        else:
            out.append(PLACEHOLDER)
    return "".join(out).replace("\t", "    ")


def markup(text: str, font_name: str = SANS) -> str:
    """Escaped mini-markup for one chunk of user text: literal « <b> », « & », line breaks as <br/>."""
    lines = _BREAK.split(printable(text, font_name))
    return "<br/>".join(escape(line) for line in lines)


def _chunks(paragraph: str) -> list[str]:
    """Cut a long paragraph at spaces (or hard, when a « word » is longer than a chunk)."""
    chunks: list[str] = []
    rest = paragraph
    while len(rest) > MAX_CHUNK:
        cut = rest.rfind(" ", 0, MAX_CHUNK)
        if cut <= MAX_CHUNK // 2:
            cut = MAX_CHUNK
        chunks.append(rest[:cut])
        rest = rest[cut:].lstrip(" ")
    chunks.append(rest)
    return chunks


def paragraphs(text: str | None, style: ParagraphStyle) -> list[Flowable]:
    """Flowables for a user text: one per blank-line-separated paragraph, long ones cut into chunks."""
    if not text or not text.strip():
        return []
    blocks = re.split(r"(?:\r?\n[ \t]*){2,}", text.strip())
    result: list[Flowable] = []
    for block in blocks:
        for chunk in _chunks(block):
            result.append(Paragraph(markup(chunk, style.fontName), style))
    return result


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """One escaped paragraph for a short user value (a name, a label)."""
    return Paragraph(markup(text, style.fontName), style)
