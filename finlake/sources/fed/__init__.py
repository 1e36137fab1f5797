"""The Federal Reserve: the FOMC meeting calendar and its policy statements."""
