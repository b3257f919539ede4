"""Text from articles made safe to print to a terminal (terminal and log injection).

A title holding ESC [2J clears the screen, and a file named 'b\\nadded: FAKE.txt' forges a line
of the build summary. Every control character (C0, DEL, C1), and the bidi controls that reorder
what is shown (as in 'Trojan Source'), is printed as its escape: '\\x1b', '\\n', '\\u202e'."""

from __future__ import annotations

import re

_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL_BUT_LINE_ENDS = re.compile("(?!\r\n|\n)[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match) -> str:
    char = match.group(0)
    return _SHORT.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def printable(text: str) -> str:
    """text on one line, every control character escaped."""
    return _CONTROL.sub(_escape, text)


def printable_lines(text: str) -> str:
    """text with its line ends kept and every other control character escaped: for output made of
    lines (CSV records, JSON) shown on a terminal."""
    return _CONTROL_BUT_LINE_ENDS.sub(_escape, text)


class PrintableStream:
    """A binary stream that passes text on to a terminal line by line (a line is never cut
    inside a character), its control characters escaped but for the line ends."""

    def __init__(self, output):
        self.output = output
        self.pending = b""

    def write(self, data: bytes) -> int:
        lines = (self.pending + bytes(data)).split(b"\n")
        self.pending = lines.pop()
        for line in lines:
            self.output.write(printable_lines(line.decode("utf-8", "replace") + "\n").encode("utf-8"))
        return len(data)

    def flush(self) -> None:
        if self.pending:
            self.output.write(printable_lines(self.pending.decode("utf-8", "replace")).encode("utf-8"))
            self.pending = b""
        self.output.flush()
