"""Materialization metadata every finlake asset attaches: rows, schema, preview, timing."""

from __future__ import annotations

import dagster as dg
import polars as pl

from finlake.datasets import Dataset
from finlake.lake import Lake

PREVIEW_ROWS = 5


def markdown_preview(df: pl.DataFrame, rows: int = PREVIEW_ROWS) -> str:
    with pl.Config(
        tbl_formatting="MARKDOWN",
        tbl_hide_column_data_types=True,
        tbl_hide_dataframe_shape=True,
        tbl_rows=rows,
        tbl_cols=-1,
        fmt_str_lengths=60,
    ):
        return str(df.head(rows))


def column_schema(ds: Dataset) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name, str(dtype), description=ds.columns.get(name))
            for name, dtype in ds.schema.items()
        ]
    )


def frame_metadata(
    df: pl.DataFrame, ds: Dataset, seconds: float, lake: Lake, **extra: object
) -> dict:
    """Rows, schema, preview and seconds of a dataset's materialization, and `table_version`:
    the version of its Delta table after the write (`finlake sql --as-of-version` reads it)."""
    version = lake.version(ds)
    return {
        "dagster/row_count": dg.MetadataValue.int(df.height),
        "dagster/column_schema": column_schema(ds),
        "preview": dg.MetadataValue.md(markdown_preview(df)),
        "seconds": dg.MetadataValue.float(round(seconds, 3)),
        **({} if version is None else {"table_version": dg.MetadataValue.int(version)}),
        **extra,
    }


def fetch_metadata(rows: int, source: str, seconds: float, **extra: object) -> dict:
    """What every bronze fetch asset reports: payloads (row count), source mode, extras, seconds."""
    return {
        "dagster/row_count": dg.MetadataValue.int(rows),
        "source_mode": dg.MetadataValue.text(source),
        **extra,
        "seconds": dg.MetadataValue.float(round(seconds, 3)),
    }
