-- Failing rows: a row whose fundamentals or last 8-K became public after its session's close.
SELECT f.ticker, f.date, f.close_at, f.fundamentals_as_of
FROM features_daily f
WHERE f.fundamentals_as_of >= f.close_at
   OR f.days_since_8k < 0
