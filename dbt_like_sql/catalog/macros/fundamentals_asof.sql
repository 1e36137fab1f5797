-- signature: fundamentals_asof(as_of)
-- Point in time: only facts filed on or before as_of, and for each (company, concept, unit,
-- period) the value of the latest such filing (a restatement replaces the original from the
-- day it was filed). A fact filed on day D is known at the end of D.
SELECT * FROM fundamentals
WHERE filed <= CAST(as_of AS DATE)
QUALIFY row_number() OVER (
    PARTITION BY cik, taxonomy, concept, unit, period_start, period_end
    ORDER BY filed DESC, accession_number DESC
) = 1
