"""The decision in an FOMC statement page: the target (range), the move, who dissented.

The Fed's RSS item only links the statement, so the decision is read from the page. The page
layout changed over the years (current pages keep the text in <div id="article">, older ones
elsewhere), and so did the wording: target ranges since December 2008 ("decided to lower the
target range for the federal funds rate by 1/4 percentage point to 4-1/4 to 4-1/2 percent",
"will maintain the target range ... at 0 to 1/4 percent", "establish a target range ... of 0 to
1/4 percent"), single targets before ("lower its target for the federal funds rate 50 basis
points to 1-1/2 percent"). Whatever the text does not state stays None: nothing is guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import lxml.html
from lxml import etree

_NUM = r"\d+-\d/\d|\d/\d|\d+(?:\.\d+)?"  # 4-1/4, 1/4, 5, 0.5
_RANGE = re.compile(
    r"\b(?P<verb>raise|increase|lower|reduce|decrease|maintain|keep|establish|set)\s+"
    r"(?:the\s+|a\s+)?target\s+range\s+for\s+the\s+federal\s+funds\s+rate\s*"
    rf"(?:by\s+(?:(?P<points>{_NUM})\s+percentage\s+points?|(?P<bps>\d+)\s+basis\s+points?)\s*)?"
    rf",?\s*(?:to|at|of)\s+(?P<low>{_NUM})(?:\s+percent)?\s+to\s+(?P<high>{_NUM})\s+percent",
    re.IGNORECASE,
)
# 2014-2015: "the current 0 to 1/4 percent target range ... remains appropriate"
_CURRENT_RANGE = re.compile(
    rf"(?P<low>{_NUM})\s+to\s+(?P<high>{_NUM})\s+percent\s+target\s+range\s+for\s+the\s+"
    r"federal\s+funds\s+rate\s+(?:remains|is)\s+appropriate",
    re.IGNORECASE,
)
_TARGET = re.compile(
    r"\b(?P<verb>raise|increase|lower|reduce|decrease|maintain|keep|leave)\s+its\s+target\s+"
    r"for\s+the\s+federal\s+funds\s+rate\s+(?:(?:by\s+)?(?P<bps>\d+)\s+basis\s+points?\s+)?"
    rf"(?:unchanged\s+)?(?:to|at)\s+(?P<target>{_NUM})\s+percent",
    re.IGNORECASE,
)
_ACTIONS = {
    **dict.fromkeys(("raise", "increase"), "hike"),
    **dict.fromkeys(("lower", "reduce", "decrease"), "cut"),
    **dict.fromkeys(("maintain", "keep", "leave"), "hold"),
}
# "Voting against was" (2008), "... the action was/were" (2008-2018, with a colon in some),
# "... the policy action was" (2010), "... this action was/were" (2019-), "... the monetary
# policy action were" (2026)
_AGAINST = re.compile(
    r"\bVoting\s+against(?:\s+(?:the|this)(?:\s+(?:FOMC|monetary))?(?:\s+policy)?\s+action)?"
    r"\s+(?:was|were)\s*:?\s*"
)
_WHO = re.compile(r",?\s+(?:each\s+of\s+whom|who)\s+")
_NAME = r"[A-Z][A-Za-z'’-]+(?:\s+(?:[A-Z]\.|[A-Z][A-Za-z'’-]+|de|van|von|der))+(?:,\s+(?:Jr|Sr)\.)?"
# "A, B, and C" or, as in 2011, "A; B; and C"
_NAMES = re.compile(rf"{_NAME}(?:(?:[,;]\s+(?:and\s+)?|\s+and\s+){_NAME})*")
_NAME_SPLIT = re.compile(r"[,;]?\s+and\s+|;\s+|,\s+(?!(?:Jr|Sr)\.)")
_SEPARATOR = re.compile(r"[;,]\s+(?:and\s+)?")
_SENTENCE_END = re.compile(r"\.(?=\s+[A-Z]|\s*$)")
_CHARACTERS = str.maketrans({"\u00a0": " ", **dict.fromkeys("\u2010\u2011\u2013\u2212", "-")})
_VULGAR = {"¼": "1/4", "½": "1/2", "¾": "3/4"}


@dataclass(frozen=True)
class Decision:
    target_low: float | None  # percent; equal to target_high for a single target
    target_high: float | None
    change_bps: int | None  # signed; 0 for a hold
    action: str | None  # "hike" | "cut" | "hold"
    dissents: tuple[str, ...] = ()  # names, in the statement's order
    dissent_preferences: tuple[str, ...] = ()  # what each dissenter preferred ("" if unstated)
    change_source: str | None = None  # "stated" in the text, "derived" from the previous target


def is_statement_title(title: str) -> bool:
    """A feed title of a policy statement (not minutes, projections or an implementation note)."""
    plain = " ".join(title.split()).lower().rstrip(".")
    return re.fullmatch(r"(?:federal reserve issues )?fomc statement", plain) is not None


def parse_statement(html: bytes) -> Decision:
    """The decision stated on an FOMC statement page; None where the page does not say."""
    paragraphs = _paragraphs(html)
    policy = " ".join(p for p in paragraphs if not p.startswith("Voting"))
    names, preferences = _dissents(paragraphs)
    low = high = change = action = None
    if match := _RANGE.search(policy):
        low, high = _number(match["low"]), _number(match["high"])
        action = _ACTIONS.get(match["verb"].lower())
        change = _change(action, match["points"], match["bps"])
    elif match := _CURRENT_RANGE.search(policy):
        low, high, action, change = _number(match["low"]), _number(match["high"]), "hold", 0
    elif match := _TARGET.search(policy):
        low = high = _number(match["target"])
        action = _ACTIONS[match["verb"].lower()]
        change = _change(action, None, match["bps"])
    source = None if change is None else "stated"
    return Decision(low, high, change, action, names, preferences, source)


_MONTH_DAY_YEAR = re.compile(r"\b([A-Z][a-z]+ \d{1,2}, \d{4})\b")


def statement_day(html: bytes) -> dt.date | None:
    """The release date printed on the page (the decision day), None if the page has none:
    <p class="article__time"> on today's pages, "Release Date: ..." on the old site's."""
    root = _root(html)
    if root is None:
        return None
    for xpath in ('//p[@class="article__time"]', '//p[@class="pressdate"]'):
        for node in root.xpath(xpath):
            if match := _MONTH_DAY_YEAR.search(_clean(node.text_content())):
                try:
                    return dt.datetime.strptime(match[1], "%B %d, %Y").date()
                except ValueError:
                    continue
    return None


def statement_heading(html: bytes) -> str | None:
    """The release's title: the page heading, else the <title> without the site's prefix."""
    root = _root(html)
    if root is None:
        return None
    for node in root.xpath('//h3[@class="title"]') + root.xpath("//title"):
        text = re.sub(
            r"^(?:Federal Reserve Board|FRB: Press Release)\s*-+\s*",
            "",
            _clean(node.text_content()),
        )
        if text:
            return text
    return None


def _root(html: bytes) -> lxml.html.HtmlElement | None:
    try:
        html.decode("utf-8")
        encoding = "utf-8"  # the Fed's pages; lxml alone would read undeclared bytes as latin-1
    except UnicodeDecodeError:
        encoding = "cp1252"
    try:
        return lxml.html.fromstring(html, parser=lxml.html.HTMLParser(encoding=encoding))
    except (etree.ParserError, ValueError):
        return None


def _paragraphs(html: bytes) -> list[str]:
    """The statement's paragraphs, whitespace and dashes normalised; the article if marked."""
    root = _root(html)
    if root is None:
        return []
    body = next(
        (found[0] for xpath in ('//div[@id="article"]', "//body") if (found := root.xpath(xpath))),
        root,
    )
    texts = [p.text_content() for p in body.iter("p")]
    if not texts:  # a page without <p>: blank lines separate the paragraphs
        texts = re.split(r"\n\s*\n", body.text_content())
    return [t for t in map(_clean, texts) if t]


def _clean(text: str) -> str:
    text = text.translate(_CHARACTERS)
    text = re.sub(r"(\d)([¼½¾])", r"\1-\2", text)
    for char, fraction in _VULGAR.items():
        text = text.replace(char, fraction)
    return " ".join(text.split())


def _number(text: str) -> float:
    """'4-1/4' -> 4.25, '1/4' -> 0.25, '5' -> 5.0."""
    if "/" not in text:
        return float(text)
    whole, _, fraction = text.rpartition("-")
    numerator, denominator = fraction.split("/")
    return int(whole or 0) + int(numerator) / int(denominator)


def _change(action: str | None, points: str | None, bps: str | None) -> int | None:
    if action == "hold":
        return 0
    if action is None or (points is None and bps is None):
        return None
    size = round(_number(points) * 100) if points is not None else int(bps)
    return size if action == "hike" else -size


def _dissents(paragraphs: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(names, what each preferred) from the first "Voting against ..." sentence."""
    found = next(((p, m) for p in paragraphs if (m := _AGAINST.search(p))), None)
    if found is None:
        return (), ()
    paragraph, match = found
    rest = paragraph[match.end() :]
    markers = list(_WHO.finditer(rest))
    if not markers:
        listed = _NAMES.match(rest)
        alone = _split_names(listed[0]) if listed else ()
        return alone, ("",) * len(alone)
    names: list[str] = []
    preferences: list[str] = []
    group = _split_names(rest[: markers[0].start()].strip())
    for marker, following in zip(markers, [*markers[1:], None], strict=True):
        if following is None:
            tail = rest[marker.end() :]
            end = _SENTENCE_END.search(tail)
            preference, next_group = tail[: end.start() if end else len(tail)], ()
        else:
            preference, next_group = _cut_names(rest[marker.end() : following.start()])
        names += group
        preferences += [preference.strip(" ,;")] * len(group)
        group = next_group
    return tuple(names), tuple(preferences)


def _cut_names(segment: str) -> tuple[str, tuple[str, ...]]:
    """Split "preferred X, and A and B" into the preference and the next names (longest list)."""
    for separator in _SEPARATOR.finditer(segment):
        names = _split_names(segment[separator.end() :].strip())
        if names:
            return segment[: separator.start()], names
    return segment, ()


def _split_names(text: str) -> tuple[str, ...]:
    """The names of a list like "A, B, and C"; empty unless the whole text is such a list."""
    if not _NAMES.fullmatch(text):
        return ()
    return tuple(n for n in _NAME_SPLIT.split(text) if n)
