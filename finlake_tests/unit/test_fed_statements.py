"""Reading decisions out of FOMC statement pages: real statements, both layouts, the sample world.

The fixtures are real statement paragraphs (source URL above each) wrapped in the page structure
federalreserve.gov serves today (div#article, heading, body column) or in an older layout. Where
a search copy only showed part of a statement, the rest of the paragraph is omitted, not invented.
"""

from __future__ import annotations

import datetime as dt

import pytest

import finlake_sample.fomc as fomc
import finlake_sample.news as sample
from finlake.sources.fed.decisions import load_decisions, with_history
from finlake.sources.fed.statements import (
    Decision,
    is_statement_title,
    parse_statement,
    statement_day,
)
from finlake_sample.news import SampleNews

TITLE = "Federal Reserve issues FOMC statement"


def modern_page(date: str, release: str, *paragraphs: str) -> bytes:
    """The current federalreserve.gov press-release layout."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Federal Reserve Board - {TITLE}</title></head><body>"
        "<nav><ul><li>Monetary Policy</li><li>Raise the target range to 9 to 10 percent</li></ul>"
        '</nav><div id="content" class="container container__main" role="main"><div class="row">'
        '<div id="article"><div class="heading col-xs-12 col-sm-8 col-md-8">'
        f'<p class="article__time">{date}</p><h3 class="title"><em>{TITLE}</em></h3>'
        f'<p class="releaseTime">{release}</p></div>'
        '<div class="col-xs-12 col-sm-4 col-md-4 hidden-sm"></div>'
        f'<div class="col-xs-12 col-sm-8 col-md-8">\n{body}\n</div></div></div>'
        f'<div id="lastUpdate" class="lastUpdate">Last Update: {date}</div></div></body></html>'
    ).encode()


def old_page(date: str, *paragraphs: str) -> bytes:
    """The pre-2016 layout (/newsevents/press/monetary/...): no div#article, a left column."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<html><head><title>FRB: Press Release--FOMC statement</title></head><body>"
        '<div id="skip"><a href="#content">skip to content</a></div>'
        "<div>Board of Governors of the Federal Reserve System</div>"
        '<div id="leftText"><h3>Press Release</h3>'
        f'<p class="pressdate">Release Date: {date}</p><p>For immediate release</p>\n{body}\n'
        f'</div><div id="footer"><p>Last update: {date}</p></div></body></html>'
    ).encode()


# https://www.federalreserve.gov/newsevents/pressreleases/monetary20241218a.htm (text as copied
# by regradar.com; the voting paragraph as quoted in the task and by press reports)
CUT_2024_12_18 = modern_page(
    "December 18, 2024",
    "For release at 2:00 p.m. EST",
    "Recent indicators suggest that economic activity has continued to expand at a solid pace. "
    "Since earlier in the year, labor market conditions have generally eased, and the "
    "unemployment rate has moved up but remains low. Inflation has made progress toward the "
    "Committee's 2 percent objective but remains somewhat elevated.",
    "The Committee seeks to achieve maximum employment and inflation at the rate of 2 percent "
    "over the longer run. The Committee judges that the risks to achieving its employment and "
    "inflation goals are roughly in balance. The economic outlook is uncertain, and the "
    "Committee is attentive to the risks to both sides of its dual mandate.",
    "In support of its goals, the Committee decided to lower the target range for the federal "
    "funds rate by 1/4 percentage point to 4-1/4 to 4-1/2 percent. In considering the extent and "
    "timing of additional adjustments to the target range for the federal funds rate, the "
    "Committee will carefully assess incoming data, the evolving outlook, and the balance of "
    "risks. The Committee will continue reducing its holdings of Treasury securities and agency "
    "debt and agency mortgage\u2011backed securities. The Committee is strongly committed to "
    "supporting maximum employment and returning inflation to its 2 percent objective.",
    "Voting for the monetary policy action were Jerome H. Powell, Chair; John C. Williams, Vice "
    "Chair; Thomas I. Barkin; Michael S. Barr; Raphael W. Bostic; Michelle W. Bowman; Lisa D. "
    "Cook; Mary C. Daly; Philip N. Jefferson; Adriana D. Kugler; and Christopher J. Waller. "
    "Voting against the action was Beth M. Hammack, who preferred to maintain the target range "
    "for the federal funds rate at 4-1/2 to 4-3/4 percent.",
    'For media inquiries, please email <a href="mailto:media@frb.gov">media@frb.gov</a> or call '
    "202-452-2955.",
    '<a href="/newsevents/pressreleases/monetary20241218a1.htm">Implementation Note issued '
    "December 18, 2024</a>",
)

# https://www.federalreserve.gov/newsevents/pressreleases/monetary20240918a.htm (decision and
# dissent as copied by experientialwealth.com and reported by ABA Banking Journal)
CUT_2024_09_18 = modern_page(
    "September 18, 2024",
    "For release at 2:00 p.m. EDT",
    "In light of the progress on inflation and the balance of risks, the Committee decided to "
    "lower the target range for the federal funds rate by 1/2 percentage point to 4-3/4 to 5 "
    "percent.",
    "Voting against this action was Michelle W. Bowman, who preferred to lower the target range "
    "for the federal funds rate by 1/4 percentage point at this meeting.",
)

# https://www.federalreserve.gov/newsevents/pressreleases/monetary20220727a.htm (actionforex.com
# copy; the voting list is cut where the copy ends)
HIKE_2022_07_27 = modern_page(
    "July 27, 2022",
    "For release at 2:00 p.m. EDT",
    "The Committee seeks to achieve maximum employment and inflation at the rate of 2 percent "
    "over the longer run. In support of these goals, the Committee decided to raise the target "
    "range for the federal funds rate to 2-1/4 to 2-1/2 percent and anticipates that ongoing "
    "increases in the target range will be appropriate. In addition, the Committee will continue "
    "reducing its holdings of Treasury securities and agency debt and agency mortgage-backed "
    "securities, as described in the Plans for Reducing the Size of the Federal Reserve's "
    "Balance Sheet that were issued in May. The Committee is strongly committed to returning "
    "inflation to its 2 percent objective.",
    "Voting for the monetary policy action were Jerome H. Powell, Chair; John C. Williams, Vice "
    "Chair; Michael S. Barr; Michelle W. Bowman; Lael Brainard; James Bullard; Susan M. Collins; "
    "Lisa D. Cook.",
)

# https://www.federalreserve.gov/newsevents/pressreleases/monetary20220615a.htm (the voting
# paragraph as quoted by swfinstitute.org from the press release)
HIKE_2022_06_15 = modern_page(
    "June 15, 2022",
    "For release at 2:00 p.m. EDT",
    "The Committee seeks to achieve maximum employment and inflation at the rate of 2 percent "
    "over the longer run. In support of these goals, the Committee decided to raise the target "
    "range for the federal funds rate to 1-1/2 to 1-3/4 percent and anticipates that ongoing "
    "increases in the target range will be appropriate.",
    "Voting for the monetary policy action were Jerome H. Powell, Chair; John C. Williams, Vice "
    "Chair; Michelle W. Bowman; Lael Brainard; James Bullard; Lisa D. Cook; Patrick Harker; "
    "Philip N. Jefferson; Loretta J. Mester; and Christopher J. Waller. Voting against this "
    "action was Esther L. George, who preferred at this meeting to raise the target range for "
    "the federal funds rate by 0.5 percentage point to 1-1/4 percent to 1-1/2 percent. Patrick "
    "Harker voted as an alternate member at this meeting.",
)

# https://fraser.stlouisfed.org/.../meeting-september-19-20-2023-650316/content/fulltext/
# monetary20230920a1 (the statement; voters as in the minutes' attendance list)
HOLD_2023_09_20 = modern_page(
    "September 20, 2023",
    "For release at 2:00 p.m. EDT",
    "Recent indicators suggest that economic activity has been expanding at a solid pace. Job "
    "gains have slowed in recent months but remain strong, and the unemployment rate has "
    "remained low. Inflation remains elevated.",
    "The U.S. banking system is sound and resilient. Tighter credit conditions for households "
    "and businesses are likely to weigh on economic activity, hiring, and inflation. The extent "
    "of these effects remains uncertain. The Committee remains highly attentive to inflation "
    "risks.",
    "The Committee seeks to achieve maximum employment and inflation at the rate of 2 percent "
    "over the longer run. In support of these goals, the Committee decided to maintain the "
    "target range for the federal funds rate at 5-1/4 to 5-1/2 percent. The Committee will "
    "continue to assess additional information and its implications for monetary policy.",
    "Voting for the monetary policy action were Jerome H. Powell, Chair; John C. Williams, Vice "
    "Chair; Michael S. Barr; Michelle W. Bowman; Lisa D. Cook; Austan D. Goolsbee; Patrick "
    "Harker; Philip N. Jefferson; Neel Kashkari; Adriana D. Kugler; Lorie K. Logan; and "
    "Christopher J. Waller.",
)

# https://www.federalreserve.gov/newsevents/pressreleases/monetary20250917a.htm (talkmarkets.com
# copy; the voting paragraph as in the release's bilingual copy on gz4001.cn)
CUT_2025_09_17 = modern_page(
    "September 17, 2025",
    "For release at 2:00 p.m. EDT",
    "In support of its goals and in light of the shift in the balance of risks, the Committee "
    "decided to lower the target range for the federal funds rate by 1/4 percentage point to 4 "
    "to 4\u20111/4 percent.",
    "Voting for the monetary policy action were Jerome H. Powell, Chair; John C. Williams, Vice "
    "Chair; Michael S. Barr; Michelle W. Bowman; Susan M. Collins; Lisa D. Cook; Austan D. "
    "Goolsbee; Philip N. Jefferson; Alberto G. Musalem; Jeffrey R. Schmid; and Christopher J. "
    "Waller. Voting against this action was Stephen I. Miran, who preferred to lower the target "
    "range for the federal funds rate by 1/2 percentage point at this meeting.",
)

# https://www.federalreserve.gov/newsevents/pressreleases/monetary20251029a.htm (the dissent
# sentence as quoted in the task; ABA Banking Journal reports the same two dissents)
CUT_2025_10_29 = modern_page(
    "October 29, 2025",
    "For release at 2:00 p.m. EDT",
    "In support of its goals and in light of the shift in the balance of risks, the Committee "
    "decided to lower the target range for the federal funds rate by 1/4 percentage point to "
    "3-3/4 to 4 percent.",
    "Voting against the action were Stephen I. Miran, who preferred to lower the target range "
    "for the federal funds rate by 1/2 percentage point at this meeting, and Jeffrey R. Schmid, "
    "who preferred no change to the target range at this meeting.",
)

# https://www.federalreserve.gov/newsevents/pressreleases/monetary20200303a.htm (swfinstitute.org
# copy; forexlive's copy keeps the non-breaking hyphen of "1\u20111/4")
CUT_2020_03_03 = modern_page(
    "March 03, 2020",
    "For release at 10:00 a.m. EST",
    "The fundamentals of the U.S. economy remain strong. However, the coronavirus poses evolving "
    "risks to economic activity. In light of these risks and in support of achieving its maximum "
    "employment and price stability goals, the Federal Open Market Committee decided today to "
    "lower the target range for the federal funds rate by 1/2 percentage point, to 1 to "
    "1\u20111/4 percent. The Committee is closely monitoring developments and their implications "
    "for the economic outlook and will use its tools and act as appropriate to support the "
    "economy.",
    "Voting for the monetary policy action were Jerome H. Powell, Chair; John C. Williams, Vice "
    "Chair; Michelle W. Bowman; Lael Brainard; Richard H. Clarida; Patrick Harker; Robert S. "
    "Kaplan; Neel Kashkari; Loretta J. Mester; and Randal K. Quarles.",
)

# http://ellmann0.tripod.com/id163.html, a copy of the December 16, 2008 press release
# (https://www.federalreserve.gov/newsevents/pressreleases/monetary20081216b.htm)
RANGE_2008_12_16 = modern_page(
    "December 16, 2008",
    "For immediate release",
    "The Federal Open Market Committee decided today to establish a target range for the "
    "federal funds rate of 0 to 1/4 percent.",
    "Since the Committee's last meeting, labor market conditions have deteriorated, and the "
    "available data indicate that consumer spending, business investment, and industrial "
    "production have declined. Financial markets remain quite strained and credit conditions "
    "tight. Overall, the outlook for economic activity has weakened further.",
    "The Federal Reserve will employ all available tools to promote the resumption of "
    "sustainable economic growth and to preserve price stability. In particular, the Committee "
    "anticipates that weak economic conditions are likely to warrant exceptionally low levels "
    "of the federal funds rate for some time.",
)

# http://federalreserve.gov/newsevents/press/monetary/20080122b.htm (the old site's copy)
SINGLE_2008_01_22 = [
    "The Federal Open Market Committee has decided to lower its target for the federal funds "
    "rate 75 basis points to 3-1/2 percent.",
    "The Committee took this action in view of a weakening of the economic outlook and "
    "increasing downside risks to growth. While strains in short-term funding markets have "
    "eased somewhat, broader financial market conditions have continued to deteriorate and "
    "credit has tightened further for some businesses and households. Moreover, incoming "
    "information indicates a deepening of the housing contraction as well as some softening in "
    "labor markets.",
    "The Committee expects inflation to moderate in coming quarters, but it will be necessary to "
    "continue to monitor inflation developments carefully.",
    "Voting for the FOMC monetary policy action were: Ben S. Bernanke, Chairman; Timothy F. "
    "Geithner, Vice Chairman; Charles L. Evans; Thomas M. Hoenig; Donald L. Kohn; Randall S. "
    "Kroszner; Eric S. Rosengren; and Kevin M. Warsh. Voting against was William Poole, who did "
    "not believe that current conditions justified policy action before the regularly scheduled "
    "meeting next week. Absent and not voting was Frederic S. Mishkin.",
    "In a related action, the Board of Governors approved a 75-basis-point decrease in the "
    "discount rate to 4 percent. In taking this action, the Board approved the requests "
    "submitted by the Boards of Directors of the Federal Reserve Banks of Chicago and "
    "Minneapolis.",
]

# The March 18, 2008 statement (monetary20080318a.htm), as copied by northdenvernews.com
SINGLE_2008_03_18 = [
    "The Federal Open Market Committee decided today to lower its target for the federal funds "
    "rate 75 basis points to 2-1/4 percent.",
    "Voting for the FOMC monetary policy action were: Ben S. Bernanke, Chairman; Timothy F. "
    "Geithner, Vice Chairman; Donald L. Kohn; Randall S. Kroszner; Frederic S. Mishkin; Sandra "
    "Pianalto; Gary H. Stern; and Kevin M. Warsh. Voting against were Richard W. Fisher and "
    "Charles I. Plosser, who preferred less aggressive action at this meeting.",
    "In a related action, the Board of Governors unanimously approved a 75-basis-point decrease "
    "in the discount rate to 2-1/2 percent.",
]

HAMMACK = (
    "preferred to maintain the target range for the federal funds rate at 4-1/2 to 4-3/4 percent"
)
QUARTER = "preferred to lower the target range for the federal funds rate by 1/4 percentage point"


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (
            CUT_2024_12_18,
            Decision(4.25, 4.5, -25, "cut", ("Beth M. Hammack",), (HAMMACK,), "stated"),
        ),
        (
            CUT_2024_09_18,
            Decision(
                4.75,
                5.0,
                -50,
                "cut",
                ("Michelle W. Bowman",),
                (f"{QUARTER} at this meeting",),
                "stated",
            ),
        ),
        (HIKE_2022_07_27, Decision(2.25, 2.5, None, "hike")),  # no "by": the size is not stated
        (HOLD_2023_09_20, Decision(5.25, 5.5, 0, "hold", change_source="stated")),
        (CUT_2020_03_03, Decision(1.0, 1.25, -50, "cut", change_source="stated")),
        (RANGE_2008_12_16, Decision(0.0, 0.25, None, None)),  # established, not moved
    ],
)
def test_real_statements(page, expected):
    assert parse_statement(page) == expected


def test_dissents_with_what_each_preferred():
    george = parse_statement(HIKE_2022_06_15)
    assert (george.target_low, george.target_high, george.action) == (1.5, 1.75, "hike")
    assert george.dissents == ("Esther L. George",)
    assert george.dissent_preferences == (
        "preferred at this meeting to raise the target range for the federal funds rate by 0.5 "
        "percentage point to 1-1/4 percent to 1-1/2 percent",
    )  # the alternate's sentence after it is not part of the preference
    miran = parse_statement(CUT_2025_09_17)
    assert (miran.target_low, miran.target_high, miran.change_bps) == (4.0, 4.25, -25)
    assert miran.dissents == ("Stephen I. Miran",)
    two = parse_statement(CUT_2025_10_29)
    assert (two.target_low, two.target_high, two.change_bps) == (3.75, 4.0, -25)
    assert two.dissents == ("Stephen I. Miran", "Jeffrey R. Schmid")
    assert two.dissent_preferences == (
        "preferred to lower the target range for the federal funds rate by 1/2 percentage point "
        "at this meeting",
        "preferred no change to the target range at this meeting",
    )


def test_single_target_statements_in_the_old_layout():
    poole = parse_statement(old_page("January 22, 2008", *SINGLE_2008_01_22))
    assert poole == Decision(
        3.5, 3.5, -75, "cut", ("William Poole",),
        ("did not believe that current conditions justified policy action before the regularly "
         "scheduled meeting next week",),
        "stated",
    )  # fmt: skip
    march = parse_statement(old_page("March 18, 2008", *SINGLE_2008_03_18))
    assert (march.target_low, march.change_bps) == (2.25, -75)
    assert march.dissents == ("Richard W. Fisher", "Charles I. Plosser")
    assert march.dissent_preferences == ("preferred less aggressive action at this meeting",) * 2


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [  # phrasings of other years, as the Fed wrote them
        (
            "The Committee will maintain the target range for the federal funds rate at 0 to 1/4 "
            "percent and continues to anticipate that economic conditions",  # 2009-2011
            (0.0, 0.25, 0, "hold"),
        ),
        (
            "the Committee decided to keep the target range for the federal funds rate at 0 to "
            "1/4 percent",
            (0.0, 0.25, 0, "hold"),
        ),
        (
            "the Committee today reaffirmed its view that the current 0 to 1/4 percent target "
            "range for the federal funds rate remains appropriate.",  # 2014-2015
            (0.0, 0.25, 0, "hold"),
        ),
        (
            "the Committee decided to raise the target range for the federal funds rate to 3/4 to "
            "1 percent.",
            (0.75, 1.0, None, "hike"),
        ),
        (
            "the Committee decided to lower the target range for the federal funds rate by 1-1/2 "
            "percentage points to 0 to 1/4 percent.",
            (0.0, 0.25, -150, "cut"),
        ),
        (
            "the Committee decided to raise the target range for the federal funds rate by 1 "
            "percentage point to 2-1/2 to 2-3/4 percent.",
            (2.5, 2.75, 100, "hike"),
        ),
        (
            "The Federal Open Market Committee decided today to keep its target for the federal "
            "funds rate at 2 percent.",  # June 25, 2008
            (2.0, 2.0, 0, "hold"),
        ),
        (
            "The Federal Open Market Committee decided today to raise its target for the federal "
            "funds rate by 25 basis points to 4-1/2 percent.",  # January 31, 2006
            (4.5, 4.5, 25, "hike"),
        ),
        (
            "the Committee decided to lower the target range for the federal funds rate by "
            "\u00bc percentage point to 4\u00bc to 4\u00bd percent.",  # typeset fractions
            (4.25, 4.5, -25, "cut"),
        ),
    ],
)
def test_phrasings(sentence, expected):
    decision = parse_statement(modern_page("Someday", "For immediate release", sentence))
    assert (
        decision.target_low, decision.target_high, decision.change_bps, decision.action,
    ) == expected  # fmt: skip


def test_group_dissents():
    page = modern_page(
        "September 21, 2016",
        "For release at 2:00 p.m. EDT",
        "the Committee decided to maintain the target range for the federal funds rate at 1/4 to "
        "1/2 percent.",
        "Voting against the action were: Esther L. George, Loretta J. Mester, and Eric "
        "Rosengren, each of whom preferred at this meeting to raise the target range for the "
        "federal funds rate to 1/2 percent to 3/4 percent.",
    )
    decision = parse_statement(page)
    assert decision.target_low == 0.25 and decision.action == "hold"  # not the dissent's range
    assert decision.dissents == ("Esther L. George", "Loretta J. Mester", "Eric Rosengren")
    bullard = parse_statement(
        modern_page(
            "September 18, 2019",
            "For release at 2:00 p.m. EDT",
            "Voting against the action were James Bullard, who preferred at this meeting to lower "
            "the target range for the federal funds rate to 1-1/2 to 1-3/4 percent; and Esther L. "
            "George and Eric S. Rosengren, who preferred to maintain the target range at 2 "
            "percent to 2-1/4 percent.",
        )
    )
    assert bullard.dissents == ("James Bullard", "Esther L. George", "Eric S. Rosengren")
    assert (
        bullard.dissent_preferences[1:]
        == ("preferred to maintain the target range at 2 percent to 2-1/4 percent",) * 2
    )
    assert bullard.target_low is None  # a page without the decision sentence states none


def test_pages_that_state_no_decision():
    empty = Decision(None, None, None, None)
    assert parse_statement(b"") == empty
    assert parse_statement(b"<html><body><p>Minutes of the Federal Open Market Committee</p>") == (
        empty
    )
    plain = b"<html><body><td>The Committee decided to maintain the target range for the\n" + (
        b"federal funds rate at 5-1/4 to 5-1/2 percent.\n\nVoting for were all.</td></body></html>"
    )
    assert parse_statement(plain) == Decision(5.25, 5.5, 0, "hold", change_source="stated")


def test_statement_titles():
    assert is_statement_title("Federal Reserve issues FOMC statement")
    assert is_statement_title("FOMC statement")
    assert is_statement_title("  FOMC  Statement ")
    for other in (
        "Minutes of the Federal Open Market Committee, December 17-18, 2024",
        "Federal Reserve Board and Federal Open Market Committee release economic projections "
        "from the December 17-18 FOMC meeting",
        "Implementation Note issued December 18, 2024",
        "Federal Reserve issues FOMC statement on longer-run goals and monetary policy strategy",
        "Minutes of the Board's discount rate meetings on November 12 and December 9, 2024",
    ):
        assert not is_statement_title(other), other


AS_OF = dt.datetime(2026, 6, 13, 12, tzinfo=dt.UTC)


def test_the_sample_statement_pages_round_trip_to_the_sample_decisions():
    news = SampleNews(AS_OF)
    history = {d.day: d for d in load_decisions()}
    checked = dissented = real = 0
    for year in range(2005, 2028):
        meetings = {m.day: m for m in fomc.meetings(year)}
        for story in sample._fed_year(year):
            if not is_statement_title(story.title):
                continue
            response = news.get(story.url)
            if story.at > AS_OF:
                assert response.status == 404, story.url  # not out yet
                continue
            assert response.status == 200, story.url
            m = meetings[story.at.astimezone(sample.NY).date()]
            assert statement_day(response.body) == m.day
            decision = with_history(parse_statement(response.body), m.day)
            assert (decision.target_low, decision.target_high) == (m.low, m.high)
            if m.day in history:  # the real record, served as it was decided
                assert m.real and (m.low, m.high) == (
                    history[m.day].target_low, history[m.day].target_high,
                )  # fmt: skip
                assert decision.change_bps == m.change, m.day
                real += 1
            action = "hike" if m.change > 0 else "cut" if m.change < 0 else "hold"
            assert decision.action == action
            _, against, preference = sample._votes(m)
            assert decision.dissents == against
            assert decision.dissent_preferences == (preference,) * len(against)
            page = response.body.decode()
            assert "finlake sample world" in page and "votes are synthetic" in page
            assert ("the real record" in page) == m.real
            checked += 1
            dissented += bool(against)
    assert real == len(history) - 1  # every shipped decision but 2007's, the base
    # and March and April 2026, drawn after the history
    assert checked == real + 2 and 0.1 < dissented / checked < 0.3
    assert not fomc.meetings(2007)  # no statements before the shipped history


def test_the_sample_serves_the_real_intermeeting_moves_and_no_invented_cut():
    moves = {m.day: m for year in (2008, 2020) for m in fomc.meetings(year)}
    for day, at, change in (
        (dt.date(2008, 1, 22), "08:30", -75),
        (dt.date(2008, 10, 8), "07:00", -50),
        (dt.date(2020, 3, 3), "10:00", -50),
        (dt.date(2020, 3, 15), "17:00", -100),
    ):
        assert moves[day].unscheduled and moves[day].change == change
        assert f"{moves[day].at:%H:%M}" == at
    assert dt.date(2020, 3, 18) not in moves  # the cancelled meeting has no statement
    assert moves[dt.date(2020, 4, 29)].change == 0  # no 150 bp cut folded into April
    hikes = [m.change for m in fomc.meetings(2022) if m.change]
    assert hikes == [25, 50, 75, 75, 75, 75, 50]


def test_the_sample_serves_real_meeting_days_and_nothing_else():
    news = SampleNews(AS_OF)
    link = "https://www.federalreserve.gov/newsevents/pressreleases/monetary20241218a.htm"
    page = news.get(link)
    assert page.status == 200 and page.last_modified == "Wed, 18 Dec 2024 19:00:00 GMT"
    text = page.body.decode()
    assert '<div id="article">' in text and '<p class="article__time">December 18, 2024</p>' in text
    assert "For release at 2:00 p.m. EST" in text
    assert news.get(link, {"If-None-Match": page.etag}).status == 304
    assert parse_statement(page.body).target_low == 4.25  # the real December 2024 cut
    other = next(s for s in sample._fed_year(2024) if s.section == "bcreg")
    for url in (
        other.url,
        link.replace("20241218a", "20241211a"),  # the old invented rhythm's day
        link.replace("20241218a", "20241318a"),
        "https://www.federalreserve.gov/monetarypolicy/fomccalendars.htm",
    ):
        assert news.get(url).status == 404, url


# https://www.federalreserve.gov/newsevents/pressreleases/monetary20110809a.htm: names separated
# by semicolons
SEMICOLONS_2011_08_09 = (
    "Voting against the action were: Richard W. Fisher; Narayana Kocherlakota; and Charles I. "
    "Plosser, who would have preferred to continue to describe economic conditions as likely to "
    "warrant exceptionally low levels for the federal funds rate for an extended period."
)
# 2010 (monetary20100127a.htm and the following meetings): "the policy action"
POLICY_ACTION_2010 = (
    "Voting against the policy action was Thomas M. Hoenig, who believed that continuing to "
    "express the expectation of exceptionally low levels of the federal funds rate for an "
    "extended period was no longer warranted."
)
# the 2026 wording as quoted in the audit (its preference clause was not quoted; a neutral
# placeholder stands in for it)
MONETARY_POLICY_ACTION_2026 = (
    "Voting against the monetary policy action were Beth M. Hammack, Neel Kashkari, and Lorie K. "
    "Logan, who preferred a different action at this meeting."
)


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        (SEMICOLONS_2011_08_09,
         ("Richard W. Fisher", "Narayana Kocherlakota", "Charles I. Plosser")),
        (POLICY_ACTION_2010, ("Thomas M. Hoenig",)),
        (MONETARY_POLICY_ACTION_2026, ("Beth M. Hammack", "Neel Kashkari", "Lorie K. Logan")),
        ("Voting against was Richard W. Fisher, who preferred no change in the target for the "
         "federal funds rate at this meeting.", ("Richard W. Fisher",)),  # 2008-01-30
        ("Voting against this action were Stephen I. Miran and Christopher J. Waller, who "
         "preferred to lower the target range for the federal funds rate by 1/4 percentage "
         "point at this meeting.", ("Stephen I. Miran", "Christopher J. Waller")),  # 2026-01-28
    ],
)  # fmt: skip
def test_dissent_wordings_since_2008(sentence, names):
    page = modern_page("Someday", "For immediate release", "Voting for were all.", sentence)
    assert parse_statement(page).dissents == names


def test_the_size_of_a_move_comes_from_the_previous_decision_when_unstated():
    hike = with_history(parse_statement(HIKE_2022_06_15), dt.date(2022, 6, 15))
    assert (hike.change_bps, hike.change_source, hike.action) == (75, "derived", "hike")
    july = with_history(parse_statement(HIKE_2022_07_27), statement_day(HIKE_2022_07_27))
    assert (july.change_bps, july.change_source) == (75, "derived")
    stated = with_history(parse_statement(CUT_2024_12_18), dt.date(2024, 12, 18))
    assert (stated.change_bps, stated.change_source) == (-25, "stated")
    # "establish a target range ... 0 to 1/4 percent" replaced a 1 percent target: a cut
    floor = with_history(parse_statement(RANGE_2008_12_16), statement_day(RANGE_2008_12_16))
    assert (floor.action, floor.change_bps, floor.change_source) == ("cut", -75, "derived")
    # no date, no previous decision: nothing is guessed
    assert with_history(parse_statement(HIKE_2022_07_27), None).change_bps is None
    assert with_history(parse_statement(HIKE_2022_07_27), dt.date(2000, 1, 1)).change_bps is None


def test_the_meeting_day_printed_on_the_page():
    assert statement_day(CUT_2024_12_18) == dt.date(2024, 12, 18)
    assert statement_day(CUT_2020_03_03) == dt.date(2020, 3, 3)  # "March 03, 2020"
    assert statement_day(old_page("January 22, 2008", *SINGLE_2008_01_22)) == dt.date(2008, 1, 22)
    assert statement_day(b"<html><body><p>no date</p></body></html>") is None
