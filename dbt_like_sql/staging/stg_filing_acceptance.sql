-- materialized: view
-- description: >
--   The EDGAR acceptance time of each filing (accession), the instant it became public. Facts
--   and trades whose filing is not in sec_filings fall back to the end of their filing day
--   (New York), see stg_known_facts and features_daily.
-- columns:
--   accession_number: EDGAR accession number.
--   accepted: Earliest acceptance time recorded for the accession (UTC).
SELECT accession_number, min(acceptance_datetime) AS accepted
FROM sec_filings
GROUP BY accession_number
