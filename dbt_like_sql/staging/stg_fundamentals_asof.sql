-- materialized: table
-- description: >
--   Trailing-twelve-month revenue and EPS and the latest shares outstanding per company, as
--   known at each instant a new fact became public. Quarters are the ~3-month facts; a fiscal
--   fourth quarter is its fiscal year minus the first nine months. A restatement replaces a
--   period's value only from its own acceptance time on. TTM needs four consecutive quarters.
-- columns:
--   as_of: The instant these values became known (UTC); valid until the next row of the company.
--   revenue_ttm: Sum of the last four known quarterly revenues (USD).
--   eps_ttm: Sum of the last four known quarterly diluted EPS (basic where diluted is missing).
--   shares_outstanding: Latest cover-page shares outstanding known.
--   last_quarter_end: End of the newest quarter in the TTM sums.
-- tests:
--   unique: [[cik, as_of]]
--   not_null: [cik, as_of]
WITH events AS (
    SELECT DISTINCT cik, known_at AS as_of FROM stg_known_facts
),
known AS (  -- every event sees the facts public by then, the newest version of each period
    SELECT e.cik, e.as_of, f.metric, f.priority, f.period_start, f.period_end, f.value
    FROM events e
    JOIN stg_known_facts f ON f.cik = e.cik AND f.known_at <= e.as_of
    QUALIFY row_number() OVER (
        PARTITION BY e.cik, e.as_of, f.metric, f.period_start, f.period_end
        ORDER BY f.priority, f.known_at DESC, f.accession_number DESC) = 1
),
quarters AS (
    SELECT cik, as_of, metric, period_end, value, 1 AS direct
    FROM known
    WHERE metric <> 'shares_outstanding'
      AND date_diff('day', period_start, period_end) BETWEEN 80 AND 100
    UNION ALL
    SELECT y.cik, y.as_of, y.metric, y.period_end, y.value - n.value, 0
    FROM known y
    JOIN known n ON n.cik = y.cik AND n.as_of = y.as_of AND n.metric = y.metric
                AND n.period_start = y.period_start
                AND date_diff('day', n.period_start, n.period_end) BETWEEN 260 AND 290
    WHERE y.metric <> 'shares_outstanding'
      AND date_diff('day', y.period_start, y.period_end) BETWEEN 350 AND 380
),
last_four AS (
    SELECT * FROM quarters
    QUALIFY row_number() OVER (
        PARTITION BY cik, as_of, metric, period_end ORDER BY direct DESC) = 1
        AND row_number() OVER (
        PARTITION BY cik, as_of, metric ORDER BY period_end DESC, direct DESC) <= 4
),
ttm AS (
    SELECT cik, as_of, metric, sum(value) AS ttm, max(period_end) AS last_end
    FROM last_four
    GROUP BY cik, as_of, metric
    HAVING count(*) = 4 AND date_diff('day', min(period_end), max(period_end)) BETWEEN 250 AND 300
),
shares AS (
    SELECT cik, as_of, value AS shares_outstanding FROM known
    WHERE metric = 'shares_outstanding'
    QUALIFY row_number() OVER (PARTITION BY cik, as_of ORDER BY period_end DESC) = 1
)
SELECT e.cik, e.as_of,
       r.ttm AS revenue_ttm,
       coalesce(d.ttm, b.ttm) AS eps_ttm,
       s.shares_outstanding,
       greatest(r.last_end, coalesce(d.last_end, b.last_end)) AS last_quarter_end
FROM events e
LEFT JOIN ttm r ON r.cik = e.cik AND r.as_of = e.as_of AND r.metric = 'revenue'
LEFT JOIN ttm d ON d.cik = e.cik AND d.as_of = e.as_of AND d.metric = 'eps_diluted'
LEFT JOIN ttm b ON b.cik = e.cik AND b.as_of = e.as_of AND b.metric = 'eps_basic'
LEFT JOIN shares s ON s.cik = e.cik AND s.as_of = e.as_of
