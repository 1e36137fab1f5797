-- The first published value of each observation (its initial release).
SELECT series_id, date, value, realtime_start AS vintage, units, frequency, title
FROM macro_observations WHERE value IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY series_id, date ORDER BY realtime_start) = 1
