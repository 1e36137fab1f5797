-- prices_daily with splits un-applied: each bar as it traded that day (a later split, which
-- Yahoo applies to the whole stored history, is taken out again).
SELECT p.ticker, p.date,
       p.open * f.ratio AS open, p.high * f.ratio AS high,
       p.low * f.ratio AS low, p.close * f.ratio AS close,
       CAST(round(p.volume / f.ratio) AS BIGINT) AS volume,
       f.ratio AS split_factor
FROM prices_daily p
CROSS JOIN LATERAL (
    SELECT coalesce(product(a.split_ratio), 1.0) AS ratio
    FROM corporate_actions a
    WHERE a.ticker = p.ticker AND a.date > p.date AND a.split_ratio <> 1.0
) f
