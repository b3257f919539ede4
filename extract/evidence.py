"""Evidence spans: a whole sentence, list item or clause with its subject, never a fragment that the
sentence splitter cut off ("has just one firearm retailer..." after a heading, "Operation" alone)."""

from __future__ import annotations

import re

from .records import TextSpan

# a sentence ends at . ! or ? (closing quotes may follow) before a space or the end, but not at the
# period of an initial or an abbreviation of initials ("U.S.", "Hector A.")
SENTENCE_END = re.compile(r"(?<!\b[A-Z])[.!?][\"'”’)\]]*(?=\s|$)")
# what may come right before a sentence on its line: a sentence's end, a colon or semicolon, a
# list bullet, or a dateline's dash ("PHOENIX - A federal grand jury ...")
OPENS_AFTER = (":", ";", "•", "*", "-", "–", "—")


def _ends_sentence(text: str) -> bool:
    text = text.rstrip()
    return not text or text.endswith(OPENS_AFTER) or SENTENCE_END.search(text, len(text) - 4) is not None


def whole_sentence(text: str, start: int, end: int) -> TextSpan:
    """The span start:end of text, whitespace trimmed and widened to whole sentences: back to where
    the sentence begins on its line, and on to where it ends, when the splitter cut it short."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    line_start = text.rfind("\n", 0, start) + 1
    if not _ends_sentence(text[line_start:start]):
        ends = list(SENTENCE_END.finditer(text, line_start, start))
        start = ends[-1].end() if ends else line_start
        while start < end and text[start].isspace():
            start += 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if text[end:line_end].strip() and not _ends_sentence(text[start:end]):
        found = SENTENCE_END.search(text, end, line_end)
        end = found.end() if found else len(text[:line_end].rstrip())
    return TextSpan(start, end, text[start:end])
