"""Finance-aware headline sentiment: VADER plus a finance overlay.

VADER was built for social media. It has no entry for bullish, downgrade or bankruptcy, reads
"shares", "interest" and "crude" as emotions, and cannot know that falling rates or narrowing
losses are good news. The overlay, applied to a private copy of VADER's lexicon, has three layers:

1. Token valences: finance words are added and finance-neutral words removed. They are removed,
   not zeroed, because a zero entry still counts as a lexicon word and would stop VADER's
   negation and booster look-back from reaching past it.
2. Phrases (chapter 11, profit warning, lay off, record high, buy rating ...) are rewritten to one
   token that the lexicon scores, so "profit warning" no longer counts "profit" as good news.
3. Direction words (rise, fall, cut, raise, higher, lower ...) take their sign from the nearest
   financial noun in the same clause. The sign is + for profit, sales or stocks and - for costs,
   losses, rates, inflation or unemployment. So "rates fall" and "cuts costs" read as good news
   and "jobless claims rise" as bad. The noun's own valence (losses, fears, profit) is then
   dropped so it is not counted twice. Each token stays in place, so "not" and "never" still
   negate as in VADER.

The overlay was tuned on finlake_tests/fixtures/sentiment_dev.csv only. sentiment_heldout.csv
was written before any tuning and measures it (see `evaluate`).
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from pathlib import Path

import polars as pl
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

LEXICON_VERSION = "vader-3.3.2+finlake-fin-1"

SENTIMENT_SCHEMA: dict[str, pl.DataType] = {
    "sentiment_compound": pl.Float64(),
    "sentiment_positive": pl.Float64(),
    "sentiment_neutral": pl.Float64(),
    "sentiment_negative": pl.Float64(),
    "sentiment_label": pl.String(),
}

THRESHOLD = 0.05  # VADER's conventional cut-off on the compound score
TITLE_WEIGHT = 2.0  # the title against the summary's first sentence, which gets 1.0

# Words VADER scores that are neutral in financial news.
NEUTRAL = frozenset(
    {"amazon", "united", "wells", "trust", "treasury", "security", "securities"}  # names
    | {"crude", "natural", "energy", "care", "cancer", "tumor"}  # "crude oil", "cancer drug"
    | {"share", "shares", "interest", "credit", "debt", "gross", "fair", "demand"}  # terms
)

# Words that move only with direction: the sign of the noun they bind to decides the sentiment.
DIRECTION: dict[str, float] = {
    **dict.fromkeys(("rise", "rises", "rose", "rising"), 1.2),
    **dict.fromkeys(("climb", "climbs", "climbed", "climbing"), 1.4),
    **dict.fromkeys(("jump", "jumps", "jumped"), 1.6),
    **dict.fromkeys(("surge", "surges", "surged", "surging"), 2.0),
    **dict.fromkeys(("soar", "soars", "soared", "soaring"), 2.4),
    **dict.fromkeys(("rally", "rallies", "rallied"), 1.8),
    **dict.fromkeys(("rebound", "rebounds", "rebounded", "recover", "recovers"), 1.5),
    **dict.fromkeys(("gain", "gains", "gained"), 1.4),
    **dict.fromkeys(("increase", "increases", "increased", "grow", "grows", "grew"), 1.0),
    **dict.fromkeys(("accelerate", "accelerates", "accelerated", "reaccelerates"), 1.2),
    **dict.fromkeys(("raise", "raises", "raised", "hike", "hikes", "hiked"), 1.2),
    **dict.fromkeys(("boost", "boosts", "boosted", "lift", "lifts", "lifted"), 1.4),
    **dict.fromkeys(("expand", "expands", "expanded", "spike", "spikes", "spiked"), 1.0),
    **dict.fromkeys(("mount", "mounts", "widen", "widens", "widened", "wider"), 0.8),
    **dict.fromkeys(("higher", "bigger", "larger", "high", "highs", "highest"), 0.8),
    "record_high": 2.0,
    **dict.fromkeys(("fall", "falls", "fell", "falling", "decline", "declines"), -1.3),
    **dict.fromkeys(("declined", "drop", "drops", "dropped"), -1.3),
    **dict.fromkeys(("slide", "slides", "slid", "slip", "slips", "slipped"), -1.3),
    **dict.fromkeys(("sink", "sinks", "sank", "slump", "slumps", "slumped"), -1.9),
    **dict.fromkeys(("tumble", "tumbles", "tumbled", "plunge", "plunges", "plunged"), -2.4),
    **dict.fromkeys(("plummet", "plummets", "plummeted", "crash", "crashes"), -2.6),
    **dict.fromkeys(("dip", "dips", "dipped", "ease", "eases", "eased"), -0.6),
    **dict.fromkeys(("cut", "cuts", "lower", "lowers", "lowered", "reduce", "reduces"), -1.2),
    **dict.fromkeys(("slash", "slashes", "slashed", "eliminate", "eliminates"), -1.6),
    **dict.fromkeys(("trim", "trims", "narrow", "narrows", "narrowed", "narrower"), -0.8),
    **dict.fromkeys(("shrink", "shrinks", "shrank", "smaller", "weaken", "weakens"), -1.0),
    **dict.fromkeys(("cool", "cools", "cooled", "slow", "slows", "slowed", "slowing"), -0.8),
    **dict.fromkeys(("low", "lows", "lowest"), -1.1),
    "record_low": -2.0,
}

# Financial nouns that direction words bind to: +1 when up is good, -1 when up is bad.
NOUN_SIGN: dict[str, int] = {
    **dict.fromkeys(("stock", "stocks", "shares", "market", "markets", "index"), 1),
    **dict.fromkeys(("profit", "profits", "earnings", "revenue", "revenues", "sales"), 1),
    **dict.fromkeys(("income", "margin", "margins", "growth", "orders", "bookings"), 1),
    **dict.fromkeys(("dividend", "dividends", "guidance", "outlook", "forecast"), 1),
    **dict.fromkeys(("forecasts", "estimates", "target", "price", "prices", "demand"), 1),
    **dict.fromkeys(("deliveries", "output", "production", "confidence", "optimism"), 1),
    **dict.fromkeys(("jobs", "payrolls", "gdp", "spending", "exports"), 1),
    **dict.fromkeys(("cost", "costs", "expenses", "loss", "losses", "deficit", "debt"), -1),
    **dict.fromkeys(("inflation", "cpi", "ppi", "pce", "unemployment", "jobless", "claims"), -1),
    **dict.fromkeys(("yield", "yields", "rate", "rates", "tariffs", "taxes", "layoffs"), -1),
    **dict.fromkeys(("fears", "fear", "worries", "concerns", "uncertainty", "risk", "risks"), -1),
    **dict.fromkeys(("pressure", "pressures", "volatility", "headwinds", "defaults"), -1),
    "delinquencies": -1,
}

# Words that end the reach of a direction word: "stocks rally as inflation cools".
BARRIERS = frozenset(
    {"as", "after", "amid", "while", "despite", "but", "and", "with", "on", "before"}
    | {"following", "since", "because", "though", "although", "ahead", "even", "yet"}
    | {"whereas", "sending"}
)
CLAUSE_END = (",", ";", ":")

TOKENS: dict[str, float] = {
    **dict.fromkeys(("upgrade", "upgrades", "upgraded"), 2.0),
    **dict.fromkeys(("downgrade", "downgrades", "downgraded"), -2.0),
    **dict.fromkeys(("outperform", "outperforms", "outperformed", "outperforming"), 1.8),
    **dict.fromkeys(("underperform", "underperforms", "underperformed", "underperforming"), -1.8),
    "overweight": 1.2,
    "underweight": -1.2,
    "bullish": 2.0,
    "bearish": -2.0,
    "upbeat": 1.8,
    "downbeat": -1.8,
    "hawkish": -0.8,
    "dovish": 0.8,
    **dict.fromkeys(("beat", "beats", "topped", "exceed", "exceeds", "exceeded"), 1.8),
    **dict.fromkeys(("surpass", "surpasses", "surpassed", "blowout"), 1.8),
    **dict.fromkeys(("miss", "misses", "missed", "shortfall"), -1.6),
    **dict.fromkeys(("buyback", "buybacks", "repurchase", "tailwinds"), 1.5),
    **dict.fromkeys(("nod", "clearance"), 1.5),
    **dict.fromkeys(("bankruptcy", "insolvency", "insolvent"), -3.0),
    **dict.fromkeys(("default", "defaults", "defaulted", "liquidation", "liquidate"), -2.5),
    **dict.fromkeys(("delist", "delisted", "delisting"), -2.5),
    **dict.fromkeys(("layoff", "layoffs", "writedown", "writedowns", "selloff", "rout"), -2.0),
    **dict.fromkeys(("recall", "recalls", "recalled", "breach", "outage"), -1.8),
    **dict.fromkeys(("sue", "sues", "sued", "fined", "fines", "subpoena"), -1.8),
    **dict.fromkeys(("probe", "probes", "lawsuit", "lawsuits", "fine", "impairment"), -1.5),
    **dict.fromkeys(("halt", "halts", "halted", "suspends", "warns", "headwinds"), -1.5),
    **dict.fromkeys(("slowdown", "downturn", "contraction", "glut", "crunch"), -1.5),
    **dict.fromkeys(("investigation", "stall", "stalls", "stalled"), -1.2),
    "antitrust": -1.0,
    "record_result": 2.0,
    "profit_warning": -2.2,
    "profit_taking": -0.8,
    "above_estimates": 1.5,
    "below_estimates": -1.5,
    "buy_rating": 1.5,
    "sell_rating": -1.5,
    "short_seller": -1.2,
    "crl": -2.0,
}

_ESTIMATES = r"(?:\w+ )?(?:estimates|expectations|forecasts?|consensus|views)"
_BUY = r"(?:buy|strong buy|outperform|overweight)"
_SELL = r"(?:sell|strong sell|underperform|underweight)"
_REITERATE = r"(?:reiterates?|reiterated|maintains?|maintained) (?:its |a |the )?"
_SPAN = r"(?:record|all time|\w+ (?:day|week|month|year))"

# Phrase -> one token, longest first where they overlap. Entity names holding sentiment words
# map to "entity", which is not in the lexicon.
PHRASES: dict[str, str] = {
    r"chapter (?:7|11)(?: bankruptcy)?(?: protection)?": "bankruptcy",
    r"(?:lays?|laid|laying) off|job cuts": "layoffs",
    r"sell offs?": "selloff",
    r"profit warnings?": "profit_warning",
    r"profit taking": "profit_taking",
    r"record (?:revenues?|sales|profits?|earnings|quarter|bookings|billings|results|orders"
    r"|deliveries|margins?|year)": "record_result",
    rf"{_SPAN} highs?|record close": "record_high",
    rf"{_SPAN} lows?": "record_low",
    rf"(?:above|ahead of) {_ESTIMATES}": "above_estimates",
    rf"(?:below|short of) {_ESTIMATES}": "below_estimates",
    rf"{_BUY} (?:rating|recommendation)|{_REITERATE}{_BUY}": "buy_rating",
    rf"{_SELL} (?:rating|recommendation)|{_REITERATE}{_SELL}": "sell_rating",
    r"class action(?: lawsuits?| suits?)?": "lawsuit",
    r"short sellers?|short report": "short_seller",
    r"complete response letter": "crl",
    r"risk factors": "risk_factors",
    r"stress tests?|stress testing": "stress_test",
    r"best buy|ulta beauty|super micro|bright horizons|spirit (?:airlines|aerosystems)"
    r"|liberty (?:media|global|broadband|energy)": "entity",
}

_GROUPS = {f"p{i}": token for i, token in enumerate(PHRASES.values())}
# a space in a phrase matches any run of spaces or hyphens ("52-week high", "sell-off")
_ALTERNATIVES = "|".join(f"(?P<p{i}>{p})" for i, p in enumerate(PHRASES)).replace(" ", r"[\s-]+")
_PHRASE_RE = re.compile(rf"\b(?:{_ALTERNATIVES})\b", re.IGNORECASE)
_HYPHEN = re.compile(r"(?<=[A-Za-z])-(?=[A-Za-z])")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
_WINDOW = 3  # a direction word reaches a noun at most this many tokens away
_NEUTRALIZED = "fin_noun"  # stands in for a bound noun; not in the lexicon


def label(compound: float) -> str:
    """The conventional three-class VADER label at +/-0.05."""
    if compound >= THRESHOLD:
        return "positive"
    if compound <= -THRESHOLD:
        return "negative"
    return "neutral"


def _replace(token: str, word: str) -> str:
    """`token` with its core replaced by `word`, keeping the punctuation ("!") VADER counts."""
    core = token.strip(string.punctuation)
    lead = token.find(core)
    return f"{token[:lead]}{word}{token[lead + len(core) :]}"


def _rewrite_directions(tokens: list[str]) -> list[str]:
    """Bind each direction word to the nearest financial noun of its clause (the preceding one on
    a tie) and flip it for inverse nouns; bound nouns lose their own valence."""
    cores = [t.strip(string.punctuation).lower() for t in tokens]
    if DIRECTION.keys().isdisjoint(cores):
        return tokens
    out = list(tokens)
    for i, word in enumerate(cores):
        if word not in DIRECTION:
            continue
        back = []
        for j in range(i - 1, max(i - _WINDOW, 0) - 1, -1):
            if cores[j] in BARRIERS or tokens[j].endswith(CLAUSE_END):
                break
            back.append(j)
        ahead = []
        if not tokens[i].endswith(CLAUSE_END):
            for j in range(i + 1, min(i + _WINDOW + 1, len(tokens))):
                if cores[j] in BARRIERS:
                    break
                ahead.append(j)
                if tokens[j].endswith(CLAUSE_END):
                    break
        nouns = [j for j in (*back, *ahead) if cores[j] in NOUN_SIGN]
        if not nouns:
            continue
        nearest = min(nouns, key=lambda j: (abs(j - i), j > i))
        if NOUN_SIGN[cores[nearest]] < 0:
            out[i] = _replace(tokens[i], f"inv_{word}")
        for j in nouns:
            out[j] = _replace(tokens[j], _NEUTRALIZED)
    return out


def _first_sentence(text: str) -> str:
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0]


class FinanceSentiment:
    """VADER with (finance=True) or without (finance=False, the baseline) the finance overlay."""

    def __init__(self, *, finance: bool = True) -> None:
        # a fresh analyzer owns its lexicon dict, so the overlay never leaks into other instances
        self._analyzer = SentimentIntensityAnalyzer()
        self.finance = finance
        if finance:
            lexicon = self._analyzer.lexicon
            for word in NEUTRAL:
                lexicon.pop(word, None)
            lexicon.update(TOKENS)
            lexicon.update(DIRECTION)
            lexicon.update({f"inv_{word}": -valence for word, valence in DIRECTION.items()})

    def polarity(self, text: str) -> dict[str, float]:
        """VADER's scores (compound, pos, neu, neg) of one text, after the overlay's rewrites."""
        if self.finance:
            text = _PHRASE_RE.sub(lambda m: _GROUPS[m.lastgroup], _HYPHEN.sub(" ", text))
            text = " ".join(_rewrite_directions(text.split()))
        return self._analyzer.polarity_scores(text)

    def score(
        self, titles: Sequence[str], summaries: Sequence[str | None] | None = None
    ) -> pl.DataFrame:
        """One SENTIMENT_SCHEMA row per title.

        A summary, when given, counts through its first sentence only (later ones drift into
        boilerplate and unrelated detail) and with half the title's weight: the headline is the
        editor's summary of the news, and the summary mostly restates or hedges it. Scores are
        the weighted mean of the two; the label follows the combined compound.
        """
        if summaries is not None and len(summaries) != len(titles):
            raise ValueError(f"{len(titles)} titles but {len(summaries)} summaries")
        cache: dict[str, dict[str, float]] = {}

        def cached(text: str) -> dict[str, float]:
            if text not in cache:
                cache[text] = self.polarity(text)
            return cache[text]

        columns: dict[str, list[float]] = {"compound": [], "pos": [], "neu": [], "neg": []}
        for i, title in enumerate(titles):
            scores = cached(title)
            summary = _first_sentence(summaries[i] or "") if summaries is not None else ""
            if summary:
                extra = cached(summary)
                total = TITLE_WEIGHT + 1.0
                scores = {k: (TITLE_WEIGHT * scores[k] + extra[k]) / total for k in columns}
            for key, values in columns.items():
                values.append(scores[key])
        return pl.DataFrame(
            {
                "sentiment_compound": columns["compound"],
                "sentiment_positive": columns["pos"],
                "sentiment_neutral": columns["neu"],
                "sentiment_negative": columns["neg"],
                "sentiment_label": [label(c) for c in columns["compound"]],
            },
            schema=SENTIMENT_SCHEMA,
        )


def evaluate(path: Path) -> dict[str, float]:
    """Three-class accuracy of plain VADER and finlake on a `headline,label` CSV."""
    frame = pl.read_csv(path)
    truth = frame["label"].to_list()
    result: dict[str, float] = {"n": float(frame.height)}
    for name, finance in (("vader_accuracy", False), ("finlake_accuracy", True)):
        labels = FinanceSentiment(finance=finance).score(frame["headline"].to_list())
        hits = sum(a == b for a, b in zip(labels["sentiment_label"], truth, strict=True))
        result[name] = hits / frame.height
    return result
