-- materialized: parquet
-- partition_by: date
-- description: >
--   Daily total returns per ticker and NYSE session from the split- and dividend-adjusted
--   closes: the return of holding the stock from one close to the next, dividends reinvested.
--   A ratio of two closes is the same whatever later corporate actions rescale both, so these
--   returns never change after the fact.
-- columns:
--   ticker: Universe ticker.
--   date: NYSE session.
--   close_adj: Split- and dividend-adjusted close (rescaled by later actions; compare within a series).
--   return_1d: Simple total return from the previous session's close; null on the first session.
--   log_return_1d: ln(1 + return_1d).
--   dividend: Cash dividend per share going ex that session (0 if none).
--   split_ratio: Split taking effect that session (1 if none).
-- tests:
--   unique: [[ticker, date]]
--   not_null: [ticker, date, close_adj]
--   accepted_range: {return_1d: [-0.95, 20.0]}
--   relationships: {ticker: prices_daily.ticker}
SELECT p.ticker, p.date, p.close AS close_adj,
       p.close / lag(p.close) OVER w - 1 AS return_1d,
       ln(p.close / lag(p.close) OVER w) AS log_return_1d,
       coalesce(a.dividend, 0.0) AS dividend,
       coalesce(a.split_ratio, 1.0) AS split_ratio
FROM prices_adjusted p
LEFT JOIN corporate_actions a USING (ticker, date)
WINDOW w AS (PARTITION BY p.ticker ORDER BY p.date)
