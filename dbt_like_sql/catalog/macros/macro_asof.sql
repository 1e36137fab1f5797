-- signature: macro_asof(as_of)
-- Point in time: each observation's value as published on or before as_of (ALFRED: a vintage
-- dated D is known on D), no revision from later vintages.
SELECT series_id, date, value, realtime_start, realtime_end, units, frequency, title
FROM macro_observations
WHERE realtime_start <= CAST(as_of AS DATE) AND realtime_end >= CAST(as_of AS DATE)
