"""Feed bytes through feedparser, refusing a document that does not parse to its end.

feedparser is lenient by design: a body cut off in transfer still yields the items before the
cut, the last one half-filled (no link, a truncated title). Stored as if complete, that loses
the rest of the feed silently. A document whose strict XML parse fails and whose root element
is never closed did not arrive whole, so it is refused as a PayloadError (its bytes stay in
bronze); a complete document with a recoverable blemish (an undefined entity, a stray `&`) is
still read by feedparser's loose parser, as real feeds need.
"""

from __future__ import annotations

import re
import xml.sax

import feedparser

from finlake.sources.base import PayloadError

_ROOT = re.compile(rb"<(?![?!])([A-Za-z_][\w.:-]*)")
_LAST_CLOSE = re.compile(rb"</([A-Za-z_][\w.:-]*)\s*>\s*(?:<!--.*?-->\s*)*\Z", re.DOTALL)


def root_closed(body: bytes) -> bool:
    """Whether the document ends with the end tag of its root element."""
    root = _ROOT.search(body)
    last = _LAST_CLOSE.search(body.rstrip(b"\x00"))
    return bool(root and last and root.group(1) == last.group(1))


def read_feed(body: bytes, label: str) -> feedparser.FeedParserDict:
    """feedparser's reading of `body`; raises PayloadError naming `label` (the feed) when the
    document is cut off."""
    parsed = feedparser.parse(body)
    error = parsed.get("bozo_exception")
    if isinstance(error, xml.sax.SAXParseException) and not root_closed(body):
        raise PayloadError(
            f"{label}: the feed does not parse to its end ({error}; {len(body)} bytes, root "
            "element never closed): truncated in transfer?"
        )
    return parsed
