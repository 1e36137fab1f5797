"""finlake's sample worlds: offline stand-ins for Yahoo, SEC EDGAR, the news feeds, FRED and the
Fed that answer in each provider's real wire format, at a chosen clock.

A package of its own beside finlake: finlake's sources and pipelines never import it; only the
resource factories (finlake.defs.resources) do in sample mode, where `transport` serves these
worlds to the live HTTP clients. Where the real record is public and small (FOMC decisions and
meeting dates, exchange calendars, series metadata) the worlds serve it; the rest is synthetic
and says so.
"""
