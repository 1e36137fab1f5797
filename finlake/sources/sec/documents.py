"""SEC filing primary documents (10-K, 10-Q, 8-K) as clean, sectioned text chunks for SQL search.

EDGAR documents are HTML (since 2019 mostly inline XBRL, i.e. XHTML with a hidden `<ix:header>`
full of machine-readable facts) or, for old filings, plain text. Full-text search wants neither
markup nor hidden facts nor page furniture, but does want to know which Item a passage sits in,
so the pipeline is: bytes -> text (one paragraph per block, blank-line separated) -> chunks that
start at SEC headings ("PART II", "Item 1A. Risk Factors", "Item 2.02 ...") and stay under a
size target. Pure functions, no I/O.
"""

from __future__ import annotations

import codecs
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import lxml.html
from lxml import etree


@dataclass(frozen=True)
class Chunk:
    """A searchable piece of a filing document, tagged with the SEC heading it falls under."""

    index: int  # 0-based
    section: str | None  # heading the chunk belongs to; None before the first heading
    text: str


# --------------------------------------------------------------------------------------------
# Decoding


_SNIFF_BYTES = 4096
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:\-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:\-]+)", re.I)
# Labels EDGAR filers routinely put on UTF-8 files; for these, valid UTF-8 wins.
_WESTERN = frozenset({"ascii", "iso8859-1", "cp1252"})


def _declared_charset(document: bytes) -> str | None:
    """The charset named by an XML declaration or a meta tag, as a Python codec name."""
    head = document[:_SNIFF_BYTES]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    # The declaration was readable as ASCII, so a UTF-16/32 label is a lie (and would "succeed").
    return None if name.startswith(("utf-16", "utf-32")) else name


def _decode(document: bytes) -> str:
    """Declared charset, then UTF-8, then windows-1252 (with replacement, so never raises).

    Latin-1 is read as windows-1252 (what browsers do: EDGAR smart quotes live in 0x80-0x9F), and
    a Western single-byte label loses to UTF-8 when the bytes are valid UTF-8, because valid
    multi-byte UTF-8 almost never occurs by accident in real windows-1252 text."""
    if document.startswith(codecs.BOM_UTF8):
        return document[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if document.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return document.decode("utf-16", errors="replace")
    declared = _declared_charset(document)
    order = ["utf-8", "cp1252"]
    if declared and declared not in _WESTERN:
        order.insert(0, declared)
    for encoding in order:
        try:
            return document.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return document.decode("cp1252", errors="replace")


# --------------------------------------------------------------------------------------------
# HTML -> paragraphs

_PAGE = "\f"  # page-break sentinel in paragraph lists; cannot survive _clean, so never a paragraph
_WS = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # keeps \t \n \f \r
_SURROGATE = re.compile("[\ud800-\udfff]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
# Tags that mark HTML. <TABLE>, <PAGE>, <S>, <C>, <CAPTION> are left out: plain-text filings
# use them as SGML markers.
_MARKUP = re.compile(
    r"<(?:!doctype\s+html|\?xml|html|head|body|meta|div|p|br|span|font|b|i|u|a|strong|em"
    r"|h[1-6]|ul|ol|li|center|tr|td|th|ix:\w+)[\s/>]",
    re.I,
)
_DISPLAY_NONE = re.compile(r"display\s*:\s*none", re.I)
_PAGE_BREAK_STYLE = re.compile(r"(?:page-)?break-(before|after)\s*:\s*(?:always|page)", re.I)
_SKIP = frozenset(
    {"script", "style", "head", "title", "noscript", "template", "meta", "link", "object",
     "iframe", "svg", "ix:header"}
)  # fmt: skip
_BLOCK = frozenset(
    {"address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
     "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
     "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "legend", "li", "main", "menu",
     "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
     "thead", "tr", "ul"}
)  # fmt: skip
_CELL_PREFIX = re.compile(r"[$€£¥(]+|\(\$|\$\(")  # "$" / "(" cells belong to the next number
_CELL_SUFFIX = re.compile(r"[)%]+|%\)|\)%")  # ")" / "%" cells belong to the previous number
_BULLET = re.compile(r"[•●◦▪■□○➢►·]")


def _clean(text: str) -> str:
    """One paragraph: invisible characters gone, all whitespace (incl. &nbsp;) one space."""
    return _WS.sub(" ", _INVISIBLE.sub("", text)).strip()


class _Paragraphs:
    """Accumulates inline text and cuts it into paragraphs at block boundaries."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self._buffer: list[str] = []

    def add(self, text: str) -> None:
        self._buffer.append(text)

    def flush(self) -> None:
        paragraph = _clean("".join(self._buffer))
        self._buffer.clear()
        if paragraph:
            self.out.append(paragraph)

    def emit(self, paragraph: str) -> None:
        self.flush()
        if paragraph:
            self.out.append(paragraph)

    def page_break(self) -> None:
        self.flush()
        self.out.append(_PAGE)


def _tag(element: etree._Element) -> str | None:
    """Lower-case tag name with an `ix:` prefix for inline XBRL; None for comments and PIs."""
    tag = element.tag
    if not isinstance(tag, str):
        return None
    tag = tag.lower()
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return f"ix:{local}" if "inlinexbrl" in namespace else local
    return tag


def _hidden(element: etree._Element) -> bool:
    """Not rendered: the `hidden` attribute or an inline display:none (inline XBRL wraps its
    <ix:header> of hidden facts in such a div)."""
    if element.get("hidden") is not None:
        return True
    return bool(_DISPLAY_NONE.search(element.get("style") or ""))


_FLUSH, _BREAK = object(), object()  # deferred actions on the _walk stack


def _walk(root: etree._Element, out: _Paragraphs) -> None:
    """Depth-first text extraction of `root` (not its tail, which is the parent's text).

    Iterative with an explicit stack: machine-generated EDGAR HTML can nest deeper than Python's
    recursion limit."""
    stack: list[etree._Element | str | object] = [root]
    while stack:
        item = stack.pop()
        if item is _FLUSH:
            out.flush()
            continue
        if item is _BREAK:
            out.page_break()
            continue
        if isinstance(item, str):
            out.add(item)
            continue
        assert isinstance(item, etree._Element)
        tag = _tag(item)
        if tag is None or tag in _SKIP or _hidden(item):
            continue
        breaks = {side.lower() for side in _PAGE_BREAK_STYLE.findall(item.get("style") or "")}
        if "before" in breaks or tag == "page":  # <PAGE> is an SGML leftover some filers keep
            out.page_break()
        if "after" in breaks:
            stack.append(_BREAK)
        if tag == "tr":
            out.emit(_row(item))
            continue
        if tag == "br":
            out.flush()
            continue
        if tag in _BLOCK:
            out.flush()
            stack.append(_FLUSH)
        if item.text:
            out.add(item.text)
        for child in reversed(item):
            if child.tail:
                stack.append(child.tail)
            stack.append(child)


def _row(tr: etree._Element) -> str:
    """A table row as `cell | cell`, with EDGAR's split-off "$", ")" and "%" cells re-attached
    to their numbers (so "$394,328" is searchable) and bullet-only layout cells dropped."""
    cells: list[str] = []
    pending_prefix = ""
    for cell in tr:
        if _tag(cell) not in ("td", "th") or _hidden(cell):
            continue
        inner = _Paragraphs()
        _walk(cell, inner)
        text = " ".join(p for p in inner.out if p != _PAGE)
        if not text or _BULLET.fullmatch(text):
            continue
        if _CELL_PREFIX.fullmatch(text):
            pending_prefix += text
        elif _CELL_SUFFIX.fullmatch(text) and cells and not pending_prefix:
            cells[-1] += text
        else:
            cells.append(pending_prefix + text)
            pending_prefix = ""
    if pending_prefix:
        cells.append(pending_prefix)
    return " | ".join(cells)


# recover: EDGAR HTML is frequently malformed; huge_tree: 10-K text nodes and nesting can exceed
# libxml2's default safety limits, and our input is a filing, not an untrusted XML entity bomb.
_PARSER = lxml.html.HTMLParser(recover=True, huge_tree=True)


def _html_paragraphs(text: str) -> list[str]:
    text = _XML_DECL.sub("", text, count=1).replace("\f", " ")
    try:
        root = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError):  # empty document
        return []
    out = _Paragraphs()
    _walk(root, out)
    out.flush()
    return out.out


# --------------------------------------------------------------------------------------------
# Plain text -> paragraphs

_MARKUP_LINE = re.compile(r"(?:</?[A-Za-z][\w-]*>\s*)+")  # <S>, <C>, <TABLE>, <CAPTION> lines


def _text_paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; form feeds and <PAGE> lines are page breaks; a line that
    is an SEC heading becomes its own paragraph (plain-text filings rarely blank-line them)."""
    out: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        paragraph = _clean(" ".join(buffer))
        buffer.clear()
        if paragraph:
            out.append(paragraph)

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        for position, part in enumerate(raw.split("\f")):
            if position:
                flush()
                out.append(_PAGE)
            line = part.strip()
            if line.upper() == "<PAGE>":
                flush()
                out.append(_PAGE)
            elif not line or _MARKUP_LINE.fullmatch(line):
                flush()
            elif _mark(line) is not None:
                flush()
                buffer.append(line)
                flush()
            else:
                buffer.append(line)
    flush()
    return out


# --------------------------------------------------------------------------------------------
# Page furniture

_FURNITURE_MAX = 120
_FURNITURE_MIN_REPEATS = 3
_EDGE = 3  # paragraphs from a page boundary that count as header/footer territory
_PAGE_NUMBER = re.compile(
    r"(?i:page\s*)?[-–—]?\s*(?:[A-Z]{1,2}-\s?)?(?:\d{1,3}|(?=[ivx])x{0,3}(?:ix|iv|v?i{0,3}))\s*[-–—]?"
    r"(?:\s*(?i:of)\s*\d{1,4})?"
)
_DIGITS = re.compile(r"\d+")
_LETTER = re.compile(r"[^\W\d_]")


def _drop_furniture(items: list[str]) -> list[str]:
    """Remove page numbers and running headers/footers from paragraphs (with _PAGE sentinels).

    A running header/footer is a short paragraph whose text, digits normalised, occurs 3+ times
    with at most one digit position varying (the page number): "Example Corp. | 2025 Form 10-K
    | 12". Two guards keep repeated *content* such as table rows: a letterless paragraph (e.g.
    "2025 | 2024") is never furniture, and when the document marks page breaks, most occurrences
    must sit within a few paragraphs of a page boundary. The first occurrence of a repeated SEC
    heading survives so the section is not lost."""
    pages: list[list[str]] = [[]]
    for item in items:
        if item == _PAGE:
            pages.append([])
        elif not _PAGE_NUMBER.fullmatch(item):
            pages[-1].append(item)
    paragraphs: list[str] = []
    edge: list[bool] = []
    for page in pages:
        for position, paragraph in enumerate(page):
            paragraphs.append(paragraph)
            edge.append(position < _EDGE or position >= len(page) - _EDGE)
    paged = sum(1 for page in pages if page) >= 3

    groups: dict[str, list[int]] = defaultdict(list)
    for i, paragraph in enumerate(paragraphs):
        if len(paragraph) < _FURNITURE_MAX and _LETTER.search(paragraph):
            groups[_DIGITS.sub("#", paragraph)].append(i)
    drop: set[int] = set()
    for indexes in groups.values():
        if len(indexes) < _FURNITURE_MIN_REPEATS:
            continue
        if not _one_number_varies([paragraphs[i] for i in indexes]):
            continue
        if paged and 2 * sum(edge[i] for i in indexes) < len(indexes):
            continue
        first = _mark(paragraphs[indexes[0]])
        drop.update(indexes[1:] if first is not None and not first.toc else indexes)
    return [p for i, p in enumerate(paragraphs) if i not in drop]


def _one_number_varies(texts: Sequence[str]) -> bool:
    """True when the texts' digit runs differ in at most one position (a page number), which
    tells a footer from table rows that merely share a label ("Total | 120 | 340")."""
    columns = zip(*(_DIGITS.findall(text) for text in texts), strict=False)
    return sum(1 for column in columns if len(set(column)) > 1) <= 1


# --------------------------------------------------------------------------------------------
# Public: text


def html_to_text(document: bytes | str) -> str:
    """Visible text of an EDGAR document: one paragraph per block, separated by blank lines.

    Drops scripts, styles, <head>, comments, hidden content (display:none, `hidden`, and the
    inline-XBRL <ix:header>) but keeps visible inline-XBRL facts; tables become one
    " | "-joined line per row; page numbers and running headers/footers are removed. Input that
    does not look like HTML/XML is treated as a plain-text filing."""
    text = _decode(document) if isinstance(document, bytes) else document
    text = _SURROGATE.sub("\ufffd", _CONTROL.sub("", text.lstrip("\ufeff")))
    paragraphs = _html_paragraphs(text) if _MARKUP.search(text) else _text_paragraphs(text)
    return "\n\n".join(_drop_furniture(paragraphs))


# --------------------------------------------------------------------------------------------
# Headings

_HEADING_MAX = 160  # the longest real one, 8-K Item 5.02 with its full title, is ~156
_ITEM_NUMBER = r"\d{1,2}\.\d{2}|\d{1,2}[A-Da-d]?"
_PART = re.compile(r"part\s+(?P<number>iv|i{1,3})\b\s*[.:\-–—]?\s*(?P<title>.*)", re.I)
_ITEM = re.compile(
    rf"items?\s+(?P<number>{_ITEM_NUMBER})"
    rf"(?:\s*(?:,|and|&|through|to|-|–|—)\s*(?:{_ITEM_NUMBER}))*"
    r"\b\s*[.:\-–—]?\s*(?P<title>.*)",
    re.I,
)
_TOC_PAGE = re.compile(r"(?:^|\s)(?:[A-Z]{1,2}-)?\d{1,3}$")  # title ending in a page number
_SENTENCE_IN_TITLE = re.compile(r"(?<=[a-z)\]])[.?!]\s+(?=[A-Z])")
_ENUMERATOR = re.compile(r"^\(\w{1,4}\)\s*")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_TRAILING_PUNCTUATION = re.compile(r"[\s.,:;\-–—|…]+$")


@dataclass(frozen=True)
class _Mark:
    """A heading-like paragraph: a PART line or an Item line."""

    part: int | None  # roman numeral value for PART lines, None for items
    item: tuple[int, int] | None  # (1, 1) for Item 1A, (2, 2) for Item 2.02, None for PART lines
    section: str  # normalised heading text
    titled: bool  # has text after the number
    toc: bool  # title ends in a page number: a table-of-contents entry, never a heading


def _flat(paragraph: str) -> str:
    return _WS.sub(" ", paragraph.replace("|", " ")).strip()


def _section_name(text: str) -> str:
    return _TRAILING_PUNCTUATION.sub("", _WS.sub(" ", text.replace("|", " ")).strip())


def _item_key(number: str) -> tuple[int, int]:
    if "." in number:
        major, minor = number.split(".")
        return int(major), int(minor)
    letter = number[-1].lower()
    if letter.isalpha():
        return int(number[:-1]), ord(letter) - ord("a") + 1
    return int(number), 0


def _mark(paragraph: str) -> _Mark | None:
    """Classify a paragraph as an SEC heading ("PART II", "Item 1A. Risk Factors", "ITEM 2.02
    Results of ...") or not. The title, if any, must start with a capital letter, which rejects
    prose such as "Item 7 of this report ..."; a heading followed by a sentence in the same short
    paragraph keeps only the title as its section name."""
    flat = _flat(paragraph)
    if len(flat) > _HEADING_MAX:
        return None
    part_match = _PART.match(flat)
    match = part_match or _ITEM.match(flat)
    if match is None:
        return None
    title = match.group("title")
    # "(d) Exhibits": a leading enumerator does not count as the title's first word.
    first_letter = next((c for c in _ENUMERATOR.sub("", title) if c.isalpha()), None)
    if first_letter is not None and not first_letter.isupper():
        return None
    toc = bool(title) and _TOC_PAGE.search(title) is not None
    sentence_end = _SENTENCE_IN_TITLE.search(title)
    if sentence_end and not toc:
        title = title[: sentence_end.start()]
    section = _section_name(flat[: match.start("title")] + title)
    if part_match:
        return _Mark(_ROMAN[match.group("number").lower()], None, section, bool(title), toc)
    return _Mark(None, _item_key(match.group("number")), section, bool(title), toc)


def _segments(marks: Sequence[_Mark]) -> list[int]:
    """Cut a run of consecutive heading-like paragraphs where numbering restarts; return the
    segment lengths. A table of contents followed directly by the body ("... Item 16. Form 10-K
    Summary", "PART I", "Item 1. Business") thus splits into the ToC and the real headings."""
    lengths: list[int] = []
    length = 0
    max_part = 0
    last_item: tuple[int, int] | None = None
    for mark in marks:
        restart = False
        if mark.part is not None:
            restart = length > 0 and (mark.part == 1 or mark.part <= max_part)
        elif mark.item is not None and last_item is not None:
            restart = mark.item <= last_item
        if restart:
            lengths.append(length)
            length, max_part, last_item = 0, 0, None
        length += 1
        if mark.part is not None:
            max_part, last_item = mark.part, None
        else:
            last_item = mark.item
    if length:
        lengths.append(length)
    return lengths


_TOC_RUN = 3


def _headings(paragraphs: Sequence[str]) -> dict[int, str]:
    """Paragraph index -> section name for the paragraphs that start a section.

    A segment of 3+ consecutive heading-like paragraphs is a table of contents and stays plain
    text. An untitled "Item 1A." followed by a short title line ("Risk Factors") takes that line
    into its section name (layouts that put number and title in separate blocks)."""
    marks = [_mark(p) for p in paragraphs]
    result: dict[int, str] = {}
    i = 0
    while i < len(marks):
        if marks[i] is None:
            i += 1
            continue
        end = i
        while end < len(marks) and marks[end] is not None:
            end += 1
        run = [m for m in marks[i:end] if m is not None]
        start = i
        for length in _segments(run):
            if length < _TOC_RUN:
                for k in range(start, start + length):
                    mark = marks[k]
                    if mark is not None and not mark.toc:
                        result[k] = _section(mark, paragraphs, k)
            start += length
        i = end
    return result


def _section(mark: _Mark, paragraphs: Sequence[str], index: int) -> str:
    if mark.titled or mark.item is None or index + 1 >= len(paragraphs):
        return mark.section
    if _mark(paragraphs[index + 1]) is not None:
        return mark.section
    following = _flat(paragraphs[index + 1])
    first_letter = next((c for c in following if c.isalpha()), None)
    if (
        len(following) <= 100
        and first_letter is not None
        and first_letter.isupper()
        and following[-1] not in ".?!:;,"
    ):
        return _section_name(f"{_flat(paragraphs[index])} {following}")
    return mark.section


# --------------------------------------------------------------------------------------------
# Chunking

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_SENTENCE_END = re.compile(r"[.?!][\"'”’)\]]*\s+")


def _sentences(paragraph: str, target: int) -> list[str]:
    """A paragraph's sentences (cut after ". ", "? ", "! "), each at most `target` characters: a
    longer sentence is cut at its last space before `target` (or hard at `target`)."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(paragraph):
        sentences.append(paragraph[start : match.end()].strip())
        start = match.end()
    sentences.append(paragraph[start:].strip())
    units: list[str] = []
    for sentence in filter(None, sentences):
        while len(sentence) > target:
            cut = sentence.rfind(" ", 0, target + 1)
            if cut < target // 2:
                cut = target
            units.append(sentence[:cut].rstrip())
            sentence = sentence[cut:].lstrip()
        if sentence:
            units.append(sentence)
    return units


class _Packer:
    """Greedy packing of paragraphs into chunks of at most `target` characters."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.chunks: list[Chunk] = []
        self.section: str | None = None
        self._parts: list[str] = []
        self._size = 0

    def close(self) -> None:
        if self._parts:
            text = "\n\n".join(self._parts)
            self.chunks.append(Chunk(len(self.chunks), self.section, text))
            self._parts.clear()
            self._size = 0

    def add(self, paragraph: str) -> None:
        if len(paragraph) <= self.target:
            self._append(paragraph)
            return
        # Too long: its sentences fill the current chunk, then as many chunks as needed. Pieces
        # of one paragraph are joined by a space, so re-joining pieces gives the paragraph back.
        continuing = False
        for sentence in _sentences(paragraph, self.target):
            if continuing and self._size + 1 + len(sentence) <= self.target:
                self._parts[-1] += " " + sentence
                self._size += 1 + len(sentence)
            else:
                self._append(sentence)
                continuing = True

    def _append(self, part: str) -> None:
        if self._parts and self._size + 2 + len(part) > self.target:
            self.close()
        self._size += len(part) + (2 if self._parts else 0)
        self._parts.append(part)


def chunk_text(text: str, target: int = 2000) -> list[Chunk]:
    """Pack paragraphs (blank-line separated) into chunks of at most `target` characters.

    Each SEC heading starts a new chunk (as its first line) and becomes the section of it and of
    the following chunks; otherwise a chunk closes when the next paragraph would not fit.
    Paragraphs longer than `target` are split at sentence boundaries. Text before the first
    heading has section None."""
    if target < 1:
        raise ValueError(f"target must be positive, got {target}")
    paragraphs = [p.strip() for p in _BLANK_LINE.split(text) if p.strip()]
    headings = _headings(paragraphs)
    packer = _Packer(target)
    for i, paragraph in enumerate(paragraphs):
        if i in headings:
            packer.close()
            packer.section = headings[i]
        packer.add(paragraph)
    packer.close()
    return packer.chunks


def document_chunks(document: bytes | str, target: int = 2000) -> list[Chunk]:
    """`html_to_text` then `chunk_text`: a filing's primary document as searchable chunks."""
    return chunk_text(html_to_text(document), target)
