-- materialized: table
-- description: >
--   Open-market insider trading per ticker and filing day (Form 4 purchases P and sales S of
--   non-derivative shares), dated by when the market learned of it: the filing day, not the
--   trade day.
-- columns:
--   filing_date: EDGAR filing date of the Forms 4 (when the trades became public).
--   buys: Purchase transactions (code P).
--   sells: Sale transactions (code S).
--   shares_bought: Shares bought.
--   shares_sold: Shares sold.
--   value_bought: Shares bought x price (USD; trades without a price count as 0).
--   value_sold: Shares sold x price (USD).
--   net_value: value_bought - value_sold.
--   insiders: Distinct reporting owners.
--   planned_sales: Sales flagged as under a Rule 10b5-1 plan.
-- tests:
--   unique: [[ticker, filing_date]]
--   not_null: [ticker, filing_date, buys, sells]
SELECT issuer_ticker AS ticker, filing_date,
       count(*) FILTER (WHERE transaction_code = 'P') AS buys,
       count(*) FILTER (WHERE transaction_code = 'S') AS sells,
       coalesce(sum(shares) FILTER (WHERE transaction_code = 'P'), 0) AS shares_bought,
       coalesce(sum(shares) FILTER (WHERE transaction_code = 'S'), 0) AS shares_sold,
       coalesce(sum(shares * coalesce(price_per_share, 0))
                FILTER (WHERE transaction_code = 'P'), 0) AS value_bought,
       coalesce(sum(shares * coalesce(price_per_share, 0))
                FILTER (WHERE transaction_code = 'S'), 0) AS value_sold,
       value_bought - value_sold AS net_value,
       count(DISTINCT owner_cik) AS insiders,
       count(*) FILTER (WHERE transaction_code = 'S' AND is_10b5_1) AS planned_sales
FROM insider_transactions
WHERE NOT is_derivative AND transaction_code IN ('P', 'S') AND issuer_ticker IS NOT NULL
GROUP BY issuer_ticker, filing_date
