-- materialized: table
-- description: >
--   Every SEC filing of the universe with when the market could first react: the New York
--   acceptance time, whether it came after the 16:00 close, and the first session whose close
--   follows it (the session a point-in-time model may use it in).
-- columns:
--   accepted_at_et: EDGAR acceptance time, America/New_York wall clock.
--   after_close: Accepted at or after 16:00 ET (or on a non-session day).
--   first_session: First NYSE session (in prices_daily) whose 16:00 ET close is after acceptance.
-- tests:
--   unique: [[accession_number, ticker]]
--   not_null: [ticker, form, filing_date, acceptance_datetime]
WITH sessions AS (SELECT DISTINCT date, close_at FROM stg_sessions)
SELECT f.ticker, f.cik, f.form, f.accession_number, f.filing_date, f.report_date,
       f.acceptance_datetime,
       timezone('America/New_York', f.acceptance_datetime) AS accepted_at_et,
       s.date IS DISTINCT FROM CAST(timezone('America/New_York', f.acceptance_datetime) AS DATE)
           AS after_close,
       s.date AS first_session,
       f.items, f.document_url
FROM sec_filings f
ASOF LEFT JOIN (SELECT date, close_at FROM sessions) s
    ON s.close_at > f.acceptance_datetime
