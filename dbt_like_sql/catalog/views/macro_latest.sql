-- The value each observation has in the current vintage.
SELECT series_id, date, value, realtime_start AS vintage, units, frequency, title
FROM macro_observations WHERE realtime_end = DATE '9999-12-31'
