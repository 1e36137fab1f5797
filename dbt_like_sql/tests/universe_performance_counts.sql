-- Failing rows: sessions whose advancers and decliners exceed the tickers that traded.
SELECT date, tickers, advancers, decliners
FROM universe_performance
WHERE advancers + decliners > tickers
