-- materialized: table
-- description: >
--   The universe's cross-section per NYSE session: how many tickers traded, mean and median
--   return, advancers, decliners and breadth, the best and worst ticker, and an equal-weight
--   index (1.0 before the first session).
-- columns:
--   date: NYSE session.
--   tickers: Tickers with a return that session.
--   mean_return: Equal-weight mean of the tickers' daily total returns.
--   median_return: Median daily total return.
--   advancers: Tickers that rose.
--   decliners: Tickers that fell.
--   breadth: (advancers - decliners) / tickers.
--   best_ticker: Ticker with the highest return.
--   worst_ticker: Ticker with the lowest return.
--   equal_weight_index: Cumulative product of (1 + mean_return), daily rebalanced.
-- tests:
--   unique: [[date]]
--   not_null: [date, tickers, mean_return]
--   accepted_range: {breadth: [-1.0, 1.0]}
--   custom: [universe_performance_counts.sql]
WITH day AS (
    SELECT date,
           count(*) AS tickers,
           avg(return_1d) AS mean_return,
           median(return_1d) AS median_return,
           count(*) FILTER (WHERE return_1d > 0) AS advancers,
           count(*) FILTER (WHERE return_1d < 0) AS decliners,
           arg_max(ticker, return_1d) AS best_ticker,
           arg_min(ticker, return_1d) AS worst_ticker
    FROM daily_returns
    WHERE return_1d IS NOT NULL
    GROUP BY date
)
SELECT date, tickers, mean_return, median_return, advancers, decliners,
       (advancers - decliners) / tickers AS breadth,
       best_ticker, worst_ticker,
       exp(sum(ln(1 + mean_return)) OVER (ORDER BY date)) AS equal_weight_index
FROM day
