"""User text is escaped, its line breaks kept, unprintable glyphs marked, long texts cut to flow."""

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from reports.fonts import SANS, register_fonts
from reports.text import MAX_CHUNK, PLACEHOLDER, markup, paragraphs, printable


def _style() -> ParagraphStyle:
    register_fonts()
    return ParagraphStyle("t", fontName=SANS)


def test_markup_escapes_reportlab_mini_markup_and_keeps_line_breaks():
    assert markup("<b>gras</b> & R&D\nligne 2") == "&lt;b&gt;gras&lt;/b&gt; &amp; R&amp;D<br/>ligne 2"
    assert markup("a\r\nb\rc") == "a<br/>b<br/>c"


def test_printable_replaces_glyphs_the_font_lacks():
    assert printable("Bravo 👍🏽 « été » œuf") == f"Bravo {PLACEHOLDER}{PLACEHOLDER} « été » œuf"
    assert printable("🦠") == PLACEHOLDER
    assert printable("❤️") == "❤"  # DejaVu has the heart; the variation selector is dropped
    assert printable("narrow\u202fspace") == "narrow\u202fspace"


def test_long_paragraph_is_cut_into_chunks_that_can_flow_across_pages():
    words = " ".join(f"mot{i}" for i in range(1000))  # ~5,900 characters
    flowables = paragraphs(words, _style())
    assert len(flowables) > 1
    assert all(isinstance(f, Paragraph) for f in flowables)
    assert all(len(f.text) <= MAX_CHUNK for f in flowables)
    assert " ".join(f.text for f in flowables) == words


def test_a_single_huge_word_is_cut_hard():
    flowables = paragraphs("x" * 5000, _style())
    assert sum(len(f.text) for f in flowables) == 5000


def test_blank_lines_separate_paragraphs_and_empty_text_gives_nothing():
    assert len(paragraphs("un\n\n  \ndeux\ntrois", _style())) == 2
    assert paragraphs("   ", _style()) == []
    assert paragraphs(None, _style()) == []
