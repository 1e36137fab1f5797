-- materialized: parquet
-- partition_by: date
-- description: >
--   One row per (ticker, NYSE session) with everything known at that session's real close
--   (16:00 ET, 13:00 on early-close days) and nothing later: the bar as traded, return and scale-free indicators, the session's
--   news sentiment, each default FRED series' value in the vintage current that day, TTM
--   fundamentals and shares from filings accepted by the close, insider net buying and the days
--   since the last 8-K. Strictly point in time: rebuilding from a lake cut at any session gives
--   the same row for that session (finlake_tests/integration/test_point_in_time.py).
-- columns:
--   close_at: "The session's real close in UTC (13:00 ET on early-close days): the instant the
--     row is as of."
--   open: "Open as traded that day (later splits are not applied: they were not known)."
--   close: Close as traded that day.
--   volume: Volume as traded that day.
--   return_1d: Total return from the previous close (dividends included).
--   rsi_14: RSI(14) on adjusted closes (scale-free, so later adjustments do not change it).
--   close_to_sma_50: Adjusted close / SMA(50) - 1.
--   close_to_sma_200: Adjusted close / SMA(200) - 1.
--   atr_14_pct: ATR(14) / adjusted close.
--   macd_hist_pct: MACD histogram / adjusted close.
--   news_articles: Stories about the ticker counted toward this session (0 if none).
--   news_mean_compound: Mean VADER+finance compound of those stories (null if none).
--   macro_dff: Each macro_* column is the latest observation of that FRED series in the ALFRED
--     vintage public at the close (a vintage dated that day counts only if the series' release
--     time, macro_release_times, is before the close), e.g. the unemployment rate of the month
--     before.
--   revenue_ttm: Trailing-twelve-month revenue from filings accepted before the close (USD).
--   eps_ttm: Trailing-twelve-month diluted EPS, as reported (per share of the time).
--   pe_ratio: close / eps_ttm (null when EPS is not positive).
--   shares_outstanding: Latest cover-page shares outstanding filed before the close.
--   market_cap: close x shares_outstanding (USD).
--   insider_net_value_30d: Insider open-market buys minus sells (USD) in Forms 4 public during
--     the 30 days up to the close.
--   insider_net_value_90d: The same over 90 days.
--   days_since_8k: Days from the last 8-K accepted before the close to the session (null if none).
-- tests:
--   unique: [[ticker, date]]
--   not_null: [ticker, date, close_at, close, volume, news_articles]
--   accepted_range: {rsi_14: [0.0, 100.0], pe_ratio: [0.0, 100000.0]}
--   relationships: {ticker: prices_daily.ticker}
--   custom: [features_daily_no_future_filings.sql]
WITH sessions AS (
    SELECT * FROM stg_sessions
),
vintage_days AS (  -- per session and series, the vintage date in force at the close
    SELECT d.date, s.series_id,
           CASE WHEN r.released_et IS NOT NULL
                 AND timezone('America/New_York', d.date + r.released_et) < d.close_at
                THEN d.date ELSE CAST(d.date - INTERVAL 1 DAY AS DATE) END AS vintage_day
    FROM (SELECT DISTINCT date, close_at FROM sessions) d
    CROSS JOIN (SELECT DISTINCT series_id FROM macro_observations) s
    LEFT JOIN macro_release_times r USING (series_id)
),
macro AS (  -- per session, each series' newest observation in that vintage
    SELECT v.date, m.series_id, arg_max(m.value, m.date) AS value
    FROM vintage_days v
    JOIN macro_observations m
      ON m.series_id = v.series_id
     AND m.realtime_start <= v.vintage_day AND m.realtime_end >= v.vintage_day
     AND m.date BETWEEN v.date - INTERVAL 400 DAY AND v.date
    WHERE m.value IS NOT NULL
    GROUP BY v.date, m.series_id
),
macro_wide AS (
    SELECT date,
           max(value) FILTER (WHERE series_id = 'DFF') AS macro_dff,
           max(value) FILTER (WHERE series_id = 'FEDFUNDS') AS macro_fedfunds,
           max(value) FILTER (WHERE series_id = 'UNRATE') AS macro_unrate,
           max(value) FILTER (WHERE series_id = 'CPIAUCSL') AS macro_cpiaucsl,
           max(value) FILTER (WHERE series_id = 'CPILFESL') AS macro_cpilfesl,
           max(value) FILTER (WHERE series_id = 'PCEPILFE') AS macro_pcepilfe,
           max(value) FILTER (WHERE series_id = 'GDP') AS macro_gdp,
           max(value) FILTER (WHERE series_id = 'GDPC1') AS macro_gdpc1,
           max(value) FILTER (WHERE series_id = 'A191RL1Q225SBEA') AS macro_a191rl1q225sbea,
           max(value) FILTER (WHERE series_id = 'DGS3MO') AS macro_dgs3mo,
           max(value) FILTER (WHERE series_id = 'DGS2') AS macro_dgs2,
           max(value) FILTER (WHERE series_id = 'DGS10') AS macro_dgs10,
           max(value) FILTER (WHERE series_id = 'T10Y2Y') AS macro_t10y2y,
           max(value) FILTER (WHERE series_id = 'T10Y3M') AS macro_t10y3m,
           max(value) FILTER (WHERE series_id = 'VIXCLS') AS macro_vixcls,
           max(value) FILTER (WHERE series_id = 'DEXUSEU') AS macro_dexuseu,
           max(value) FILTER (WHERE series_id = 'ICSA') AS macro_icsa,
           max(value) FILTER (WHERE series_id = 'INDPRO') AS macro_indpro,
           max(value) FILTER (WHERE series_id = 'UMCSENT') AS macro_umcsent,
           max(value) FILTER (WHERE series_id = 'M2SL') AS macro_m2sl
    FROM macro
    GROUP BY date
),
companies AS (
    SELECT ticker, min(cik) AS cik FROM sec_companies GROUP BY ticker
),
fundamentals AS (  -- the company's TTM values as of the last fact public before the close
    SELECT s.ticker, s.date, f.revenue_ttm, f.eps_ttm, f.shares_outstanding,
           f.as_of AS fundamentals_as_of
    FROM sessions s
    JOIN companies c USING (ticker)
    ASOF JOIN stg_fundamentals_asof f ON f.cik = c.cik AND f.as_of < s.close_at
),
insider AS (  -- open-market trades public by the close, dated by their filing
    SELECT t.issuer_ticker AS ticker,
           coalesce(a.accepted,
                    timezone('America/New_York', CAST(t.filing_date + INTERVAL 1 DAY AS TIMESTAMP)))
               AS known_at,
           CASE t.transaction_code WHEN 'P' THEN 1 ELSE -1 END
               * t.shares * coalesce(t.price_per_share, 0) AS net_value
    FROM insider_transactions t
    LEFT JOIN stg_filing_acceptance a USING (accession_number)
    WHERE NOT t.is_derivative AND t.transaction_code IN ('P', 'S')
),
insider_windows AS (
    SELECT s.ticker, s.date,
           coalesce(sum(i.net_value) FILTER (WHERE i.known_at > s.close_at - INTERVAL 30 DAY), 0)
               AS insider_net_value_30d,
           coalesce(sum(i.net_value), 0) AS insider_net_value_90d
    FROM sessions s
    LEFT JOIN insider i
      ON i.ticker = s.ticker AND i.known_at < s.close_at
     AND i.known_at > s.close_at - INTERVAL 90 DAY
    GROUP BY s.ticker, s.date
),
eight_k AS (
    SELECT ticker, acceptance_datetime FROM sec_filings WHERE form IN ('8-K', '8-K/A')
),
last_8k AS (
    SELECT s.ticker, s.date,
           date_diff('day', CAST(timezone('America/New_York', k.acceptance_datetime) AS DATE),
                     s.date) AS days_since_8k
    FROM sessions s
    ASOF JOIN eight_k k ON k.ticker = s.ticker AND k.acceptance_datetime < s.close_at
)
SELECT s.ticker, s.date, s.close_at,
       s.open, s.high, s.low, s.close, s.volume,
       r.return_1d, r.log_return_1d, i.return_5d, i.return_21d, i.volatility_21d,
       i.return_zscore_63d, i.is_anomaly, i.rsi_14, i.bb_percent_b, i.bb_bandwidth,
       r.close_adj / i.sma_20 - 1 AS close_to_sma_20,
       r.close_adj / i.sma_50 - 1 AS close_to_sma_50,
       r.close_adj / i.sma_200 - 1 AS close_to_sma_200,
       i.atr_14 / r.close_adj AS atr_14_pct,
       i.macd_hist / r.close_adj AS macd_hist_pct,
       r.close_adj / i.high_52w - 1 AS close_to_high_52w,
       coalesce(n.article_count, 0) AS news_articles,
       n.mean_compound AS news_mean_compound,
       n.median_compound AS news_median_compound,
       n.share_positive AS news_share_positive,
       n.share_negative AS news_share_negative,
       m.macro_dff, m.macro_fedfunds, m.macro_unrate, m.macro_cpiaucsl, m.macro_cpilfesl,
       m.macro_pcepilfe, m.macro_gdp, m.macro_gdpc1, m.macro_a191rl1q225sbea, m.macro_dgs3mo,
       m.macro_dgs2, m.macro_dgs10, m.macro_t10y2y, m.macro_t10y3m, m.macro_vixcls,
       m.macro_dexuseu, m.macro_icsa, m.macro_indpro, m.macro_umcsent, m.macro_m2sl,
       f.revenue_ttm, f.eps_ttm,
       CASE WHEN f.eps_ttm > 0 THEN s.close / f.eps_ttm END AS pe_ratio,
       f.shares_outstanding,
       s.close * f.shares_outstanding AS market_cap,
       f.fundamentals_as_of,
       w.insider_net_value_30d, w.insider_net_value_90d,
       k.days_since_8k
FROM sessions s
LEFT JOIN daily_returns r USING (ticker, date)
LEFT JOIN indicators_daily i USING (ticker, date)
LEFT JOIN news_sentiment_daily n USING (ticker, date)
LEFT JOIN macro_wide m USING (date)
LEFT JOIN fundamentals f USING (ticker, date)
LEFT JOIN insider_windows w USING (ticker, date)
LEFT JOIN last_8k k USING (ticker, date)
