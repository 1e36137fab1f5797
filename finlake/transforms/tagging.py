"""Which universe tickers a news item is about: a pure transform over its title, summary and the
tickers the feed itself attributes it to. Precision comes first — a wrong tag puts a story into
another company's sentiment — so every rule needs evidence that a word means the company:

- cashtags `$AAPL`: upper case only; the `$` disambiguates even word tickers (`$A`, `$T`), and
  currency amounts (`$5`, `$1.2B`) never start with a letter.
- exchange-qualified symbols `(NYSE: T)`, `NASDAQ:AAPL`, `NYSE American:`, `OTC:`: the symbol must
  be upper case ("Nasdaq: all" is prose). A STOP_TICKERS symbol also needs a tight form — no space
  after the colon or a closing `)`/`]`/`,`/`;`/end right after — so "Nasdaq: A record day" is not A.
- context: the feed's own attribution (a per-ticker headline feed), kept when in the universe.
- company names and aliases, word-bounded and capitalized ("apple orchard" is not Apple). Titles
  are normalized by name_forms; a name is never reduced to one generic word ("General"), names that
  are everyday words in market news (Target: "price target") need a company cue next to them, and a
  small table rejects known confusables (Amazon rainforest, Big Apple, GE Vernova, Meta Materials,
  "according to Gartner", naming-rights venues such as Ford Field).
- bare symbols ("AAPL shares rise"): exact upper case, not in STOP_TICKERS, not glued into a
  hyphenated word (T-Mobile, META-ANALYSIS). In an all-caps text case carries no signal, so only
  symbols of four or more letters count there ("CHINESE SPY BALLOON" is not SPY).

Symbols tag exactly the listing they name; a name tags every ticker that carries it, so "Alphabet"
tags both GOOGL and GOOG. An index is not a fund: "S&P 500" does not tag SPY, nor "Nasdaq 100" QQQ;
only the fund's own name ("SPDR S&P 500") or symbol does. Product names (iPhone, YouTube, Instagram)
are not aliases: they appear incidentally in other companies' news, and a story about a product
usually names the parent anyway. Only the lead of a summary is read: feeds that carry the whole
article in the summary name many companies in passing.
"""

from __future__ import annotations

import csv
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from finlake.transforms.roles import Mention, supporting
from finlake.universe import Security, validate_ticker

SUMMARY_LEAD = 500  # characters of the summary that are read


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Tickers that are ordinary words or everyday acronyms: never accepted as a bare upper-case
# token, only as a cashtag or exchange-qualified. Every single letter is here: a lone capital
# (Series A, Vitamin C, F-150, T-Mobile) is never evidence.
STOP_TICKERS: frozenset[str] = frozenset(string.ascii_uppercase) | _words("""
    AI AIR ALL ALLY AM AN ANY APP ARE ARM AS AT BE BEST BIG BOX BUY CAN CAR CARE CASH CAT CEO CFO
    COST CPI DAY DO EARN EAT ESG ETF EU EV EVER FAST FED FIVE FLY FOR FUN GDP GO GOLD GOOD HAS HE
    HI HOME HOPE HR ICE IN INFO IPO IS IT JOB KEY LAND LIFE LIVE LOVE LOW MA MAIN MAN ME MO MS NEW
    NEWS NICE NOW OK ON ONE OPEN OR OUT PAY PC PEAK PLAY PM POOL POST PR REAL ROCK RUN SAFE SAVE
    SEC SEE SHOP SO SPOT SUN TEAM TECH TRUE TV TWO UK UP US USA WELL WORK YOU
    """)

# Well-known brand names of large companies that are not in their legal names. Products are left
# out on purpose (see the module docstring). Share classes of one company share these by CIK.
BRAND_ALIASES: dict[str, tuple[str, ...]] = {
    "GOOGL": ("Google",),
    "GOOG": ("Google",),
    "META": ("Facebook",),
    "AMZN": ("AWS", "Amazon Web Services"),
    "GE": ("GE Aerospace",),
    "ON": ("onsemi",),
    "KEY": ("KeyBank",),
    "XOM": ("Exxon",),
    "DIS": ("Disney",),
    "PG": ("P&G",),
}

_LEGAL = _words(
    "inc incorporated corp corporation co company ltd limited plc llc lp l.p. n.v. nv s.a. sa ag "
    "se holdings holding group com trust"
)
# Dropped for a short form ("Meta Platforms" -> "Meta") unless that leaves a generic word.
_DESCRIPTORS = _words(
    "platforms technologies technology motor motors semiconductor semiconductors electric "
    "communications systems software networks pharmaceuticals therapeutics laboratories labs "
    "industries brands entertainment interactive etf fund"
)
# One-word names that never stand alone: "General Electric" must not become "General".
_GENERIC = _words("""
    general american america first united national international global world worldwide
    southern northern eastern western pacific atlantic central public applied advanced digital
    standard universal capital financial energy power new great royal federal state home best
    premier liberty pioneer summit frontier alliance main park west east north south metro
    community citizens peoples security mutual insurance bank trust realty properties resources
    health healthcare life partners services solutions products foods oil gas petroleum mining
    gold silver steel materials chemical chemicals medical enterprise enterprises bio texas
    china india japan korea mexico canada europe asia africa monday friday nasdaq alpha beta delta
    omega core next plus express outlook better beyond forward freedom balance gain genius hello
    honest join know mind popular perfect relief quantum crypto avenue value growth income yield
    """) | frozenset(t.lower() for t in STOP_TICKERS)
# One-word names that are everyday words in market news: they need a company cue.
_CUE_NAMES = _words(
    "target gap block match discover progressive principal regions ally coherent align pool ball "
    "carrier snap unity zoom visa"
)
_CUES_AFTER = _words("""
    corp corporation inc co shares stock earnings results sales revenue profit margins ceo cfo
    chief executives stores store outlook guidance forecast report reports posts beats misses tops
    cuts raises lifts slashes trims warns says said plans sees expects recalls hires names
    announces boosts shoppers customers employees workers
    """)
_CUES_BEFORE = _words("retailer discounter at rival rivals")
# Names that are also English prefixes: "Meta-analysis" is not Meta.
_PREFIX_WORDS = _words("meta micro macro multi inter super ultra hyper mega omni poly")
# "Microsoft-backed OpenAI": hyphenated words that still refer to the company.
_RELATIONS = _words(
    "backed owned led made maker parent based funded controlled operated branded built designed "
    "powered sponsored listed supplier supplied linked"
)
# Naming-rights venues and foundations are not the company's business.
_VENUES = _words(
    "stadium arena center centre field foundation theatre theater amphitheatre amphitheater "
    "pavilion ballpark bowl"
)
# Known confusables, by lower-case name form or ticker: the word after / before a mention.
_NOT_AFTER: dict[str, frozenset[str]] = {
    k: _words(v)
    for k, v in {
        "apple": "orchard orchards pie cider juice picking growers tree trees hospitality",
        "amazon": "rainforest river basin jungle forest deforestation region fires tribes",
        "alphabet": "soup",
        "ford": "health",
        "gartner": "says said estimates estimated forecasts forecast predicts expects data "
        "figures analyst analysts research survey report study",
        "google": "trends",
        "facebook": "post posts page group live",
        "meta": "materials financial",
        "tesla": "coil coils",
        "ge": "vernova healthcare appliances",
    }.items()
}
_NOT_BEFORE: dict[str, frozenset[str]] = {
    k: _words(v)
    for k, v in {
        "apple": "big",
        "amazon": "the",
        "ford": "harrison gerald tom betty",
        "tesla": "nikola",
        "gartner": "to",
        "target": "price inflation rate",
    }.items()
}

_EXCHANGES = (
    r"(?:NASDAQ|Nasdaq|NasdaqGS|NasdaqGM|NasdaqCM|NYSE[ ]?(?:American|Arca|ARCA|MKT)|NYSEAMERICAN"
    r"|NYSEARCA|NYSEMKT|NYSE|AMEX|Cboe|CBOE|BATS|OTC(?:QX|QB|[ ]Pink|[ ]Markets)?|TSXV?|LSE|ASX)"
)
_SYMBOL_END = r"(?![\w&]|[.\-][A-Za-z0-9])"
_POSSESSIVE = re.compile(r"['’][sS]\b")
_NEXT_WORD = re.compile(r"(?:['’][sS])?\s+([\w&]+)")
_PREV_WORD = re.compile(r"([\w&]+)\s+$")
_HYPHEN_WORD = re.compile(r"-(\w+)")
_WORDS = re.compile(r"\b[A-Za-z][A-Za-z'&]+")
_CAPS_WORDS = re.compile(r"\b[A-Z][A-Z'&]+\b")
_SEPARATOR = re.compile(r"[\s\-]+")


@dataclass(frozen=True)
class Company:
    ticker: str
    names: tuple[str, ...]  # legal or listed names, normalized by name_forms
    aliases: tuple[str, ...] = ()  # brand names, matched as written (still word-bounded)

    def __post_init__(self) -> None:
        validate_ticker(self.ticker)


def name_forms(name: str) -> tuple[str, ...]:
    """The forms a legal name is written in news, longest first: "Meta Platforms, Inc." ->
    ("Meta Platforms", "Meta"); "AMAZON COM INC" -> ("AMAZON",). Case is kept (matching is
    case-aware, not case-sensitive). A form is never one generic word or shorter than 3 chars."""
    text = re.sub(r"\s*/[A-Za-z]*/?|\s+A[/ ]S\.?$", " ", name)  # KEYCORP /NEW/, CORP/, A/S
    text = re.sub(r",?\s+(?:Class|Cl\.?)\s+[A-Z]\b.*$|,?\s+Series\s+\w+\s*$", "", text, flags=re.I)
    text = re.sub(r"\.com\b", "", text, flags=re.I)
    words = text.replace(",", " ").split()
    if words and words[0].lower() == "the":
        words = words[1:]
    chain = []  # the name with one more legal suffix stripped at each step
    while words:
        chain.append(" ".join(words))
        last = words[-1].lower()
        if last not in _LEGAL and last.rstrip(".") not in _LEGAL:
            break
        words = words[:-1]
        while words and words[-1] in ("&", "and", "-"):
            words = words[:-1]
    forms = [f for f in chain if _acceptable(f)][-1:]
    core = forms[0].split() if forms else []
    if len(core) > 1 and core[-1].lower() in _DESCRIPTORS and _acceptable(" ".join(core[:-1])):
        forms.append(" ".join(core[:-1]))
    return tuple(forms)


def _acceptable(form: str) -> bool:
    return len(form) >= 3 and form.lower() not in _GENERIC


def companies_for(
    universe: Sequence[Security], sec_companies: pl.DataFrame | None = None
) -> list[Company]:
    """One Company per universe ticker. Names come from sec_companies titles (its listed rows when
    it says so, so a reused ticker does not inherit an old company's name) plus the universe's own
    name; a ticker absent from sec_companies keeps only the universe name. Share classes of one
    CIK (GOOGL, GOOG) share names and BRAND_ALIASES."""
    tickers = [s.ticker for s in universe]
    group: dict[str, str] = {t: t for t in tickers}  # ticker -> issuer key (CIK when known)
    titles: dict[str, list[str]] = {}
    if sec_companies is not None and not sec_companies.is_empty():
        rows = sec_companies
        if "listed" in rows.columns:
            rows = rows.filter(pl.col("listed").fill_null(True))
        rows = rows.filter(pl.col("ticker").is_in(tickers))
        for cik, ticker, title in rows.select("cik", "ticker", "title").iter_rows():
            group[ticker] = f"cik:{cik}"
            if title:
                titles.setdefault(f"cik:{cik}", []).append(title)
    for s in universe:
        if s.name and s.name != s.ticker:
            titles.setdefault(group[s.ticker], []).append(s.name)
    aliases: dict[str, list[str]] = {}
    for t in tickers:
        aliases.setdefault(group[t], []).extend(BRAND_ALIASES.get(t, ()))
    return [
        Company(t, _unique(titles.get(group[t], ())), _unique(aliases.get(group[t], ())))
        for t in tickers
    ]


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for v in values:
        seen.setdefault(v.casefold(), v)
    return tuple(seen.values())


def _trie(words: Iterable[str], space: str = " ") -> str:
    """One regex for many words, factored by common prefix so that matching cost does not grow
    with the universe; optional tails are greedy, so the longest word wins. `space` replaces " "."""
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        alts = [
            (space if ch == " " else re.escape(ch)) + emit(child)
            for ch, child in sorted(node.items())
            if ch
        ]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root) or "(?!)"


def _key(surface: str) -> str:
    return _SEPARATOR.sub(" ", surface.lower())


def _is_shouting(text: str) -> bool:
    """An all-caps text, where case says nothing about whether a word is a ticker."""
    words = len(_WORDS.findall(text))
    return words >= 3 and len(_CAPS_WORDS.findall(text)) >= 0.8 * words


class TickerTagger:
    """Built once per run: each rule is one compiled alternation over the whole universe."""

    def __init__(self, companies: Sequence[Company]) -> None:
        self.tickers = frozenset(c.ticker for c in companies)  # nothing else is ever emitted
        self._names: dict[str, set[str]] = {}  # lower-case form -> tickers
        self._casings: dict[str, set[str]] = {}  # lower-case form -> forms as written
        for c in companies:
            forms = [f for n in c.names for f in name_forms(n)] + list(c.aliases)
            for form in forms:
                self._names.setdefault(_key(form), set()).add(c.ticker)
                self._casings.setdefault(_key(form), set()).add(form)
        symbols, bare = _trie(self.tickers), _trie(self.tickers - STOP_TICKERS)
        names = _trie(self._names, space=r"[\s\-]+")
        self._cashtag = re.compile(rf"(?<![\w$])\$({symbols}){_SYMBOL_END}")
        self._exchange = re.compile(rf"\b{_EXCHANGES}\s*:(\s*)({symbols}){_SYMBOL_END}")
        self._bare = re.compile(rf"(?<![\w$&.\-])({bare}){_SYMBOL_END}")
        self._name = re.compile(rf"(?<![\w&])(?:{names})(?![\w&])", re.IGNORECASE)

    def tag(self, title: str, summary: str = "", context: Sequence[str] = ()) -> list[str]:
        """Sorted, unique universe tickers the item is about (its subjects)."""
        return self.roles(title, summary, context)[0]

    def roles(
        self, title: str, summary: str = "", context: Sequence[str] = ()
    ) -> tuple[list[str], list[str]]:
        """(subjects, companies only mentioned), each sorted and unique. A company is a subject
        when one of its mentions is not in a supporting role (roles.py), or when the feed
        attributes the item to it and the text never names it only in passing."""
        if len(summary) > SUMMARY_LEAD:
            cut = summary.rfind(" ", 0, SUMMARY_LEAD + 1)
            summary = summary[: cut if cut > 0 else SUMMARY_LEAD]
        subjects: set[str] = set()
        passing: set[str] = set()
        for text in (title or "", summary):
            mentions = self._mentions(text)
            for m in mentions:
                (passing if supporting(text, m, mentions) else subjects).update(m.tickers)
        attributed = {t for t in context if t in self.tickers and t not in passing}
        subjects |= attributed
        return sorted(subjects), sorted(passing - subjects)

    def tag_many(
        self,
        titles: Sequence[str],
        summaries: Sequence[str | None],
        contexts: Sequence[Sequence[str]],
    ) -> list[list[str]]:
        return [roles[0] for roles in self.roles_many(titles, summaries, contexts)]

    def roles_many(
        self,
        titles: Sequence[str],
        summaries: Sequence[str | None],
        contexts: Sequence[Sequence[str]],
    ) -> list[tuple[list[str], list[str]]]:
        return [
            self.roles(t, s or "", c or ())
            for t, s, c in zip(titles, summaries, contexts, strict=True)
        ]

    def _mentions(self, text: str) -> list[Mention]:
        found: list[Mention] = []
        if "$" in text:
            found += [_mention(m, 1, True) for m in self._cashtag.finditer(text)]
        if ":" in text:
            for m in self._exchange.finditer(text):
                if m.group(2) not in STOP_TICKERS or not m.group(1) or _closed(text, m.end()):
                    found.append(_mention(m, 2, True))
        bare, names = list(self._bare.finditer(text)), list(self._name.finditer(text))
        shouting = bool(bare or names) and _is_shouting(text)
        for m in bare:
            if (not shouting or len(m.group()) >= 4) and _context_ok(text, m):
                found.append(_mention(m, 0, False))
        for m in names:
            if self._name_ok(text, m, shouting):
                tickers = frozenset(self._names[_key(m.group())])
                found.append(Mention(tickers, m.start(), m.end(), False))
        return sorted(found, key=lambda m: m.start)

    def _name_ok(self, text: str, m: re.Match[str], shouting: bool) -> bool:
        surface, key = m.group(), _key(m.group())
        if not surface[0].isupper() and surface not in self._casings[key]:
            return False
        if hyphen := _HYPHEN_WORD.match(text, m.end()):
            word = hyphen.group(1)
            if word.lower() not in _RELATIONS and (
                shouting or not word[0].isupper() or key in _PREFIX_WORDS
            ):
                return False
        if not _context_ok(text, m):
            return False
        if key not in _CUE_NAMES:
            return True
        after, before = _next_word(text, m.end()), _prev_word(text, m.start())
        possessive = _POSSESSIVE.match(text, m.end())
        return bool(possessive) or after in _CUES_AFTER or before in _CUES_BEFORE


def _mention(m: re.Match[str], group: int, symbol: bool) -> Mention:
    return Mention(frozenset({m.group(group)}), m.start(), m.end(), symbol)


def _context_ok(text: str, m: re.Match[str]) -> bool:
    """False for a known confusable or a naming-rights venue around a name or bare ticker."""
    key = _key(m.group())
    after, before = _next_word(text, m.end()), _prev_word(text, m.start())
    return (
        after not in _VENUES
        and after not in _NOT_AFTER.get(key, ())
        and before not in _NOT_BEFORE.get(key, ())
    )


def _closed(text: str, end: int) -> bool:
    return end == len(text) or text[end] in ")],;"


def _next_word(text: str, end: int) -> str | None:
    m = _NEXT_WORD.match(text, end)
    return m.group(1).lower() if m else None


def _prev_word(text: str, start: int) -> str | None:
    m = _PREV_WORD.search(text[max(0, start - 40) : start])
    return m.group(1).lower() if m else None


def _split(cell: str | None) -> list[str]:
    return [t.strip() for t in (cell or "").split(";") if t.strip()]


def evaluate(path: Path, companies: Sequence[Company]) -> dict[str, float]:
    """Micro precision and recall over (item, ticker) pairs of a labeled CSV with columns title,
    summary, context and expected (tickers `;`-separated), as the tagging fixture is."""
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    tagger = TickerTagger(companies)
    tags = tagger.tag_many(
        [r["title"] for r in rows],
        [r["summary"] for r in rows],
        [_split(r["context"]) for r in rows],
    )
    tp = fp = fn = 0
    for row, got in zip(rows, tags, strict=True):
        expected, found = set(_split(row["expected"])), set(got)
        tp += len(found & expected)
        fp += len(found - expected)
        fn += len(expected - found)
    return {
        "items": len(rows),
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def evaluate_roles(path: Path, companies: Sequence[Company]) -> dict[str, float]:
    """Micro precision and recall of subjects and of mere mentions over a labeled CSV with
    columns title, summary, subjects and mentioned (tickers `;`-separated), as the subject
    fixture is."""
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    tagger = TickerTagger(companies)
    counts = {"subjects": [0, 0, 0], "mentioned": [0, 0, 0]}  # tp, fp, fn
    for row in rows:
        got = tagger.roles(row["title"], row["summary"])
        for (name, tally), found in zip(counts.items(), got, strict=True):
            expected = set(_split(row[name]))
            tally[0] += len(set(found) & expected)
            tally[1] += len(set(found) - expected)
            tally[2] += len(expected - set(found))
    out: dict[str, float] = {"items": len(rows)}
    for name, (tp, fp, fn) in counts.items():
        out[f"{name}_precision"] = tp / (tp + fp) if tp + fp else 1.0
        out[f"{name}_recall"] = tp / (tp + fn) if tp + fn else 1.0
    return out
