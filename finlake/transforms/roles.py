"""Whether a company named in a headline is the story's subject or only plays a supporting role.

With a universe of a few hundred companies, a story names many firms that it is not about: a bank
quoted as analyst ("Goldman Sachs says ...", "Wells Fargo's top picks"), the underwriters of
someone else's IPO, a rival named for comparison ("Shopify rival BigCommerce"), an investor
("Microsoft-backed OpenAI"). Counting those in the named firm's sentiment is a wrong tag, so each
name mention is judged by the words around it; a mention in none of these roles is a subject.
Pure functions over text and character spans.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Firms whose research desks are quoted in market news: "X says/sees/expects" is their analysts'
# view unless the sentence is about the firm itself ("... says it will cut jobs").
RESEARCH_HOUSES = frozenset({
    "GS", "MS", "JPM", "BAC", "C", "WFC", "UBS", "BCS", "DB", "JEF", "RJF", "PIPR", "EVR", "SF",
    "TFC", "KEY", "RY", "TD", "BMO", "CM", "BNS", "HSBC", "MUFG", "MFG", "NMR", "LAZ", "MORN",
    "MCO", "SPGI", "IT", "BLK", "SCHW", "HLI", "PJT", "OPY",
})  # fmt: skip

_SOURCE_WORDS = (
    r"analysts?|strategists?|economists?|research|equity\s+research|investment\s+strategist"
    r"|chief\s+(?:investment|equity|market|us\s+equity)\s+strategist|top\s+picks?|favorite"
    r"|favourite|picks|model\s+portfolio|survey|client\s+note|note|research\s+team|securities"
    r"|upgrade|downgrade|global\s+research"
)
_VIEW_VERBS = (
    r"says|said|sees|expects|predicts|forecasts|warns|estimates|thinks|believes|recommends|likes"
    r"|favors|favours|prefers|calls|bets|turns\s+(?:bullish|bearish)|is\s+(?:bullish|bearish)"
    r"|projects|flags|argues|notes"
)
# a house adjusting something: its view when the object is a forecast or another company
# ("Citi cuts Apple target", "Goldman raises S&P 500 forecast"), its own act otherwise
# ("Citigroup cuts 20,000 jobs", "JPMorgan raises dividend")
_ADJUST_VERBS = r"lowers|raises|cuts|lifts|trims|boosts|hikes|slashes|ups"
_FORECAST_OBJECT = re.compile(
    r"^\s+(?:(?:its|their|the|a|an|\d{4}|year-end|end-\w+|full-year|\w+-year)\s+)*"
    r"(?:[\w&.'’-]+\s+){0,3}?(?:price\s+targets?|targets?|forecasts?|estimates?|outlook|views?"
    r"|ratings?|recommendations?|projections?|expectations?|odds|probability|calls?"
    r"|(?:gdp|growth|inflation|rate|earnings|eps|recession)\s+(?:forecasts?|estimates?|view|call"
    r"|outlook))\b",
    re.IGNORECASE,
)
_RATING_VERBS = (  # active only: "Adobe downgraded by UBS" names the subject first
    r"upgrades|downgrades|initiates|reiterates|rates|starts|resumes|assumes|double\s+upgrades"
)
# "X's analysts", "X strategists", "X's top picks", "according to X"
_SOURCE_AFTER = re.compile(rf"^(?:['’]s)?\s+(?:{_SOURCE_WORDS})\b", re.IGNORECASE)
_VIEW_AFTER = re.compile(
    rf"^(?:['’]s)?(?:\s+(?:{_SOURCE_WORDS}))?\s+(?:{_VIEW_VERBS})\b", re.IGNORECASE
)
_ADJUST_AFTER = re.compile(
    rf"^(?:['’]s)?(?:\s+(?:{_SOURCE_WORDS}))?\s+(?:{_ADJUST_VERBS})\b", re.IGNORECASE
)
_RATING_AFTER = re.compile(
    rf"^(?:['’]s)?(?:\s+(?:{_SOURCE_WORDS}))?\s+(?:{_RATING_VERBS})\b", re.IGNORECASE
)
# the firm speaking about itself: "Goldman Sachs says it will cut 3,000 jobs"
_ABOUT_ITSELF = re.compile(
    r"^\s*(?:that\s+)?(?:it|its|it['’]s|the\s+bank|the\s+firm|the\s+company|the\s+lender"
    r"|quarterly|first[- ]quarter|second[- ]quarter|third[- ]quarter|fourth[- ]quarter|profit"
    r"|earnings|revenue|sales|dividends?|buybacks?|bonus(?:es)?|pay|jobs|headcount|staff|net"
    r"|loans?|deposits?|fees?|income|margins?|guidance|results|outlook\s+for\s+its)\b",
    re.IGNORECASE,
)
_ACCORDING = re.compile(
    r"(?:\b(?:according\s+to|cited\s+by)|,\s*(?:says|said|per|via))\s+$", re.IGNORECASE
)
_RATED_BY = re.compile(
    r"(?:\b(?:upgraded|downgraded|rated|initiated|reiterated|raised|cut|lifted|lowered)"
    r"(?:\s+\w+){0,3}\s+(?:by|at)|\b(?:call|rating|upgrade|downgrade|note|target|view)\s+"
    r"(?:from|by|at)|\b(?:analysts?|strategists?|economists?)\s+(?:at|from)"
    r"|\b(?:hires|hired|poaches|poached|recruits|lures|taps)(?:\s+\w+){0,2})\s+$",
    re.IGNORECASE,
)
# a source label opening a headline: "UBS: Nvidia still has room to run"
_LABEL_AFTER = re.compile(r"^\s*:\s")
# IPO underwriters
_OFFERING = re.compile(
    r"\b(?:IPO|IPOs|initial\s+public\s+offering|offering|listing|debut|bookrunners?|underwrit\w*"
    r"|share\s+sale|stock\s+sale|bond\s+sale|debt\s+sale|go\s+public|goes\s+public)\b",
    re.IGNORECASE,
)
_UNDERWRITER_BEFORE = re.compile(
    r"\b(?:underwritten\s+by|led\s+by|managed\s+by|run\s+by|arranged\s+by|underwriters?"
    r"(?:\s+(?:include|including|are|were))?|bookrunners?(?:\s+(?:include|including|are|were))?"
    r"|banks?\s+(?:include|including|are|were|led\s+by)|with)\s+"
    r"(?:(?>(?-i:[A-Z])[\w&.'’-]*|of|&|(?-i:and))(?:,\s+|\s+))*?$",  # atomic: no backtracking
    re.IGNORECASE,
)
_UNDERWRITER_AFTER = re.compile(
    r"^(?:,?\s+(?:(?-i:and)\s+)?(?>(?-i:[A-Z])[\w&.'’-]*))*?\s*(?:-led\b|\s+(?:is|are|as|to|will|among)\s+"
    r"(?:the\s+)?"
    r"(?:lead\s+|joint\s+|co-?)?(?:underwriters?|bookrunners?|lead\s+left|lead|leads|run|manage"
    r"|underwrite)|\s+(?:lead|leads|led|underwrite|underwrites|underwriting|run|runs|running"
    r"|manage|manages|managing|to\s+lead|to\s+underwrite|to\s+run)\s+(?:the\s+)?"
    r"(?:[\w&.'’-]+\s+){0,3}(?:IPO|offering|listing|deal|sale|debut))",
    re.IGNORECASE,
)
# relations named right after a company: "Shopify rival BigCommerce", "Microsoft-backed OpenAI"
_RELATION_AFTER = re.compile(
    r"^(?:['’]s)?(?:\s+|-)(?:rivals?|competitors?|peers?|challengers?|suppliers?|partners?"
    r"|alumni|veteran|executives?\s+(?:join|joins|joined|leave|leaves|left))\b",
    re.IGNORECASE,
)
# a comparison before a company: "tops rivals Samsung", "bigger than Intel", "vs. Nvidia"
# a rival named for comparison: "tops rivals Samsung", "bigger than Intel", "vs. Nvidia"; the
# nouns describe the company named right before them instead ("Shopify rival BigCommerce")
_RIVAL_BEFORE = re.compile(
    r"\b(?:rivals?|competitors?|peers?)(?:\s+(?:like|such\s+as|including))?\s+"
    r"(?:(?:[\w&.'’-]+,?\s+)?(?:and|or)\s+)?$",
    re.IGNORECASE,
)
_COMPARED_BEFORE = re.compile(
    r"(?:\b(?:than|versus|vs\.?|compared\s+(?:with|to)|challengers?\s+to|challenge|challenges"
    r"|challenging|takes\s+on|taking\s+on|catch(?:es)?\s+up\s+(?:with|to)|gains\s+ground\s+on"
    r"|closes\s+in\s+on|overtakes?|overtaking|dethrones?|former|outpaces?|outperforms?|lags?"
    r"|trails?|beats|tops|outsells|edges\s+out)\s+(?:(?:[\w&.'’-]+,?\s+)?(?:and|or)\s+)?"
    r"|\bex-)$",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"[;:|]|\s[-–—]\s|\.\s")


@dataclass(frozen=True)
class Mention:
    tickers: frozenset[str]
    start: int
    end: int
    symbol: bool  # a cashtag or exchange-qualified symbol: names its listing on purpose


def supporting(text: str, mention: Mention, others: Sequence[Mention]) -> bool:
    """True when `mention` names a firm only as a source, underwriter, rival or investor."""
    if mention.symbol:
        return False
    after, before = text[mention.end :], _clause_before(text, mention.start)
    later = [m for m in others if m.start >= mention.end and not (m.tickers & mention.tickers)]
    if _RELATION_AFTER.match(after):
        return True
    if (rival := _RIVAL_BEFORE.search(before)) and not _named_just_before(
        text, mention.start - len(before) + rival.start(), others
    ):
        return True
    if _COMPARED_BEFORE.search(before):
        return True
    if mention.start == 0 and _LABEL_AFTER.match(after):
        return True
    if _SOURCE_AFTER.match(after) or _ACCORDING.search(before) or _RATED_BY.search(before):
        return True
    if _RATING_AFTER.match(after) and (later or mention.tickers & RESEARCH_HOUSES):
        return True
    if mention.tickers & RESEARCH_HOUSES and (m := _VIEW_AFTER.match(after)):
        return not _ABOUT_ITSELF.match(after[m.end() :])
    if mention.tickers & RESEARCH_HOUSES and (m := _ADJUST_AFTER.match(after)):
        rest = after[m.end() :]
        own = _ABOUT_ITSELF.match(re.sub(r"^\s*(?:its|their)\s+", " ", rest))
        return bool(later or _FORECAST_OBJECT.match(rest)) and not own
    return bool(_OFFERING.search(text)) and bool(
        _UNDERWRITER_BEFORE.search(before) or _UNDERWRITER_AFTER.match(after)
    )


def _named_just_before(text: str, at: int, others: Sequence[Mention]) -> bool:
    """A company named right before a relation word ("Shopify rival BigCommerce"): then the
    relation describes that company, and the one after it is the subject."""
    return any(0 <= at - m.end <= 3 and not text[m.end : at].strip(" '’s") for m in others)


def _clause_before(text: str, start: int) -> str:
    """The text of the mention's clause before it (a headline's parts split at ';', ':', '|' and
    dashes)."""
    head = text[:start]
    cut = 0
    for m in _CLAUSE.finditer(head):
        cut = m.end()
    return head[cut:]
