-- materialized: view
-- description: >
--   One row per (ticker, NYSE session) with the bar as traded that day (later splits not
--   applied) and the session's close instant, the point in time every feature is taken at:
--   the real close from the NYSE calendar (nyse_sessions), 16:00 ET or 13:00 on early-close
--   days (the day after Thanksgiving, July 3, December 24).
-- columns:
--   ticker: Universe ticker.
--   date: NYSE session.
--   close_at: The session's real close as a UTC timestamp.
--   early_close: The session closed early (13:00 ET).
-- tests:
--   unique: [[ticker, date]]
--   not_null: [ticker, date, close_at, close]
SELECT p.ticker, p.date, p.open, p.high, p.low, p.close, p.volume, p.split_factor,
       s.close_at, s.early_close
FROM prices_as_traded p
LEFT JOIN nyse_sessions s USING (date)
