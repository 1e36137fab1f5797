-- materialized: view
-- description: >
--   The XBRL facts the features use (revenue, EPS, shares outstanding), each with the instant it
--   became public: its filing's EDGAR acceptance time, or the end of its filing day (New York)
--   when the filing is not in sec_filings. A fact is usable from that instant on, never before.
-- columns:
--   known_at: When the fact became public (UTC).
--   metric: revenue, eps_diluted, eps_basic or shares_outstanding.
--   priority: Among concepts giving the same metric, 1 is preferred.
-- tests:
--   not_null: [cik, metric, period_end, value, known_at]
SELECT f.cik, f.concept, f.unit, f.period_start, f.period_end, f.value, f.accession_number,
       f.filed,
       coalesce(a.accepted,
                timezone('America/New_York', CAST(f.filed + INTERVAL 1 DAY AS TIMESTAMP)))
           AS known_at,
       CASE f.concept
           WHEN 'RevenueFromContractWithCustomerExcludingAssessedTax' THEN 'revenue'
           WHEN 'Revenues' THEN 'revenue'
           WHEN 'SalesRevenueNet' THEN 'revenue'
           WHEN 'EarningsPerShareDiluted' THEN 'eps_diluted'
           WHEN 'EarningsPerShareBasic' THEN 'eps_basic'
           WHEN 'EntityCommonStockSharesOutstanding' THEN 'shares_outstanding'
       END AS metric,
       CASE f.concept WHEN 'Revenues' THEN 2 WHEN 'SalesRevenueNet' THEN 3 ELSE 1 END AS priority
FROM fundamentals f
LEFT JOIN stg_filing_acceptance a USING (accession_number)
WHERE f.concept IN ('RevenueFromContractWithCustomerExcludingAssessedTax', 'Revenues',
                    'SalesRevenueNet', 'EarningsPerShareDiluted', 'EarningsPerShareBasic',
                    'EntityCommonStockSharesOutstanding')
  AND f.value IS NOT NULL
