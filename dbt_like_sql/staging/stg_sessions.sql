-- materialized: view
-- description: >
--   One row per (ticker, NYSE session) with the bar as traded that day (later splits not
--   applied) and the session's close instant, the point in time every feature is taken at.
--   The close is 16:00 America/New_York (early closes at 13:00 are not distinguished).
-- columns:
--   ticker: Universe ticker.
--   date: NYSE session.
--   close_at: The session's close (16:00 ET) as a UTC timestamp.
-- tests:
--   unique: [[ticker, date]]
--   not_null: [ticker, date, close_at, close]
SELECT ticker, date, open, high, low, close, volume, split_factor,
       timezone('America/New_York', CAST(date AS TIMESTAMP) + INTERVAL 16 HOUR) AS close_at
FROM prices_as_traded
