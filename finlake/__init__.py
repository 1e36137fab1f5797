"""finlake: an open financial data lakehouse.

import finlake
con = finlake.connect()          # read-only DuckDB connection with a view per dataset
finlake.sql("SELECT ...")        # -> polars.DataFrame
finlake.prices("AAPL", "2025-01-01", adjusted=True)
"""

from finlake.query import connect, prices, sql

__all__ = ["connect", "prices", "sql"]
