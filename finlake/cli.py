"""The `finlake` command line: demo, sql, export, summary, quality, parse, recover, retention,
history, migrate, maintain, bench."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
import polars as pl

from finlake.sources.base import SourceError

if TYPE_CHECKING:
    from finlake.status import Location


@click.group()
def main() -> None:
    """finlake: an open financial data lakehouse (Parquet lake, DuckDB catalog, Dagster)."""


@main.command()
@click.option(
    "--home", type=click.Path(path_type=Path), help="Build here (default: the demo home)."
)
@click.option("--years", type=float, default=2.0, show_default=True, help="History to build.")
def demo(home: Path | None, years: float) -> None:
    """Build a complete demo lakehouse offline through real Dagster runs (sample data only)."""
    from finlake.settings import resolve_source

    if resolve_source() == "live":
        raise click.ClickException(
            "finlake demo builds a lakehouse from the offline sample source only, and "
            "FINLAKE_SOURCE=live is set. Unset FINLAKE_SOURCE for the demo, or run live data "
            "through Dagster: FINLAKE_SOURCE=live uv run dg dev"
        )
    target = home or "the demo home (~/.finlake/demo)"
    click.echo(f"finlake demo: building a lakehouse from sample data in {target} ...")
    from finlake.demo import run_demo

    result = run_demo(home, years, echo=click.echo)
    if not all(ok for _, _, ok, _ in result.runs):
        sys.exit(1)


@main.command()
@click.argument("query")
@click.option("--home", type=click.Path(path_type=Path), help="Default: $FINLAKE_HOME.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@click.option(
    "--as-of-time", help="Read the lake as committed at this instant (ISO; naive is UTC)."
)
@click.option(
    "--as-of-version", type=int, help="Read every table at this version (or its newest before)."
)
def sql(
    query: str, home: Path | None, fmt: str, as_of_time: str | None, as_of_version: int | None
) -> None:
    """Run a SQL query against the catalog (read-only), or against the lake as it was committed
    at an earlier time or version (`finlake history DATASET` lists the commits)."""
    import duckdb

    from finlake.catalog import VersionGoneError
    from finlake.query import sql as run_sql
    from finlake.settings import HomeNotFoundError

    try:
        df = run_sql(query, home=home, as_of_time=as_of_time, as_of_version=as_of_version)
    except (duckdb.Error, ValueError, HomeNotFoundError, VersionGoneError) as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "csv":
        click.echo(df.write_csv(), nl=False)
    elif fmt == "json":
        click.echo(df.write_json())
    else:
        with pl.Config(tbl_rows=100, tbl_cols=-1, tbl_hide_column_data_types=False):
            click.echo(df)


@main.command()
@click.argument("dataset")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet", "json"]),
    help="Default: from the --out suffix. json writes one object per line.",
)
@click.option("--where", help="A SQL boolean expression over the view's columns.")
@click.option("--home", type=click.Path(path_type=Path), help="Default: $FINLAKE_HOME.")
def export(dataset: str, out: Path, fmt: str | None, where: str | None, home: Path | None) -> None:
    """Write a catalog view (dataset, derived view or model) to a file, atomically."""
    import duckdb

    from finlake.export import FORMATS
    from finlake.export import export as run_export

    fmt = fmt or out.suffix.removeprefix(".").lower()
    if fmt not in FORMATS:
        raise click.BadParameter(
            f"give --format {'|'.join(FORMATS)} (the --out suffix does not say)",
            param_hint="--format",
        )
    from finlake.settings import HomeNotFoundError

    try:
        rows = run_export(dataset, out, fmt, where, home)
    except (ValueError, duckdb.Error, HomeNotFoundError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {rows} rows to {out.expanduser().resolve()}")


def _root(home: Path | None) -> Path:
    """The --home given, else $FINLAKE_HOME (or the default home)."""
    from finlake.settings import home_path

    return home_path(home)


def _home_with_data(home: Path | None) -> Path | None:
    """The home, or None after saying there is nothing to report yet."""
    from finlake.status import has_data

    root = _root(home)
    if has_data(root):
        return root
    demo = "uv run finlake demo" + (f" --home {root}" if home else "")
    click.echo(
        f"No data in {root} yet: build the demo lakehouse with `{demo}` "
        "or materialize assets with `uv run dg dev`."
    )
    return None


def _print(frames: dict[str, pl.DataFrame], fmt: str, root: Path) -> None:
    """Tables with a title each, or one JSON object: the home, and a list of records per table
    keyed by its title in snake case ("datasets", "asset_checks", "quarantine")."""
    if fmt == "json":
        doc: dict[str, object] = {"home": str(root)}
        for title, df in frames.items():
            doc[title.lower().replace(" ", "_")] = json.loads(df.write_json())
        click.echo(json.dumps(doc, indent=1))
        return
    click.echo(f"Home: {root}\n")
    config = pl.Config(
        tbl_rows=-1,
        tbl_cols=-1,
        tbl_width_chars=200,
        fmt_str_lengths=80,
        tbl_hide_dataframe_shape=True,
        tbl_hide_column_data_types=True,
    )
    with config:
        for title, df in frames.items():
            lists = [c for c, t in df.schema.items() if isinstance(t, pl.List)]
            click.echo(f"{title}:\n{df.with_columns(pl.col(lists).list.join(', '))}\n")


def _location(root: Path) -> Location | None:
    """The code location's assets and checks when the home has a Dagster instance to read
    them from. A definition that fails to load only costs the check results (with a warning):
    it must not hide what the lake holds."""
    from finlake.status import Location, has_instance

    if not has_instance(root):
        return None
    try:
        return Location.load()
    except Exception as exc:
        reasons = [
            str(e).strip().splitlines()[0] for e in (exc, exc.__cause__) if e and str(e).strip()
        ]
        click.echo(
            "warning: no check results, the Dagster definitions failed to load: "
            + (" / ".join(reasons) or type(exc).__name__),
            err=True,
        )
        return None


@main.command()
@click.option("--home", type=click.Path(path_type=Path), help="Default: $FINLAKE_HOME.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def summary(home: Path | None, fmt: str) -> None:
    """Every dataset and model: files, rows, bytes, dates, freshness, failing checks."""
    root = _home_with_data(home)
    if root is None:
        return
    from finlake.status import summary as build_summary

    _print({"Datasets": build_summary(root, _location(root))}, fmt, root)


@main.command()
@click.option("--home", type=click.Path(path_type=Path), help="Default: $FINLAKE_HOME.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def quality(home: Path | None, fmt: str) -> None:
    """Latest asset-check results per dataset and quarantined rows by dataset and reason."""
    root = _home_with_data(home)
    if root is None:
        return
    from finlake.status import check_results, has_instance, quarantine_counts

    checks = check_results(root, _location(root))
    frames = {"Asset checks": checks, "Quarantine": quarantine_counts(root)}
    if fmt == "table":  # run ids shortened as the UI shows them
        frames["Asset checks"] = checks.with_columns(pl.col("run_id").str.slice(0, 8))
        if checks.is_empty():
            del frames["Asset checks"]
            if not has_instance(root):
                click.echo(f"No Dagster runs recorded in {root}: no check results yet.\n")
    _print(frames, fmt, root)


@main.command()
@click.argument("kind")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv")
@click.option("--dataset", help="Dataset to print as CSV (default: the kind's first dataset).")
@click.option("--accession", help="sec-form4: the filing's accession number (else from the path).")
@click.option(
    "--filing-date",
    type=click.DateTime(["%Y-%m-%d"]),
    help="sec-form4: the filing's EDGAR filing date.",
)
@click.option("--series", help="fred-observations: the FRED series id (else from the file name).")
def parse(
    kind: str,
    file: Path,
    fmt: str,
    dataset: str | None,
    accession: str | None,
    filing_date: dt.datetime | None,
    series: str | None,
) -> None:
    """Print the canonical rows finlake would store from one raw payload FILE.

    Rejected rows go to stderr with their reasons. Kinds: yahoo-chart, sec-tickers,
    sec-submissions, sec-daily-index, sec-form4, sec-companyfacts, sec-current-feed, rss,
    fred-observations, fed-press."""
    from finlake.contracts import PARSE_KINDS as PARSERS
    from finlake.parse_kinds.base import ParseInput

    if kind not in PARSERS:
        raise click.BadParameter(f"unknown kind {kind!r}; one of {', '.join(PARSERS)}")
    payload = ParseInput(
        file.read_bytes(),
        path=file.resolve(),
        accession_number=accession,
        filing_date=filing_date.date() if filing_date else None,
        series_id=series,
    )
    try:
        out = PARSERS[kind](payload)
    except (SourceError, ValueError) as exc:  # bad payload, or a bad --series / ticker
        raise click.ClickException(str(exc)) from None
    for row in out.rejected.iter_rows(named=True):
        click.echo(
            f"rejected {row['dataset']} {row['partition']}: {row['reason']} | {row['row']}",
            err=True,
        )
    if fmt == "json":
        doc = {name: json.loads(df.write_json()) for name, df in out.datasets.items()}
        click.echo(json.dumps(doc, indent=1))
        return
    name = dataset or next(iter(out.datasets))
    if name not in out.datasets:
        raise click.BadParameter(f"{kind} yields {', '.join(out.datasets)}, not {name!r}")
    frame = out.datasets[name]
    lists = [c for c, t in frame.schema.items() if isinstance(t, pl.List)]
    click.echo(frame.with_columns(pl.col(lists).list.join(";")).write_csv(), nl=False)


@main.command()
@click.argument("dataset")
@click.option("--home", type=click.Path(path_type=Path), help="Default: $FINLAKE_HOME.")
@click.option("--limit", type=int, default=20, show_default=True, help="Newest commits shown.")
def history(dataset: str, home: Path | None, limit: int) -> None:
    """The commits of DATASET's table, newest first: version, time, run, operation, rows."""
    from finlake.datasets import DATASETS
    from finlake.lake import Lake
    from finlake.settings import HomeNotFoundError, require_home

    if dataset not in DATASETS:
        raise click.BadParameter(f"unknown dataset {dataset!r}; one of {', '.join(DATASETS)}")
    try:
        root = require_home(_root(home))
    except HomeNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    commits = Lake.of_home(root).history(DATASETS[dataset]).head(limit)
    with pl.Config(tbl_rows=limit, tbl_cols=-1, tbl_width_chars=200, fmt_str_lengths=36):
        click.echo(commits)


@main.command()
@click.option("--home", type=click.Path(path_type=Path), help="Default: $FINLAKE_HOME.")
def migrate(home: Path | None) -> None:
    """Convert a home's lake from the old one-file-per-partition layout into Delta tables, in
    place (one commit per dataset), then rebuild the catalog. A converted home is left as is."""
    from finlake.catalog import Catalog
    from finlake.datasets import DATASETS
    from finlake.lake import Lake
    from finlake.settings import HomeNotFoundError, require_home

    try:
        root = require_home(_root(home))
    except HomeNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    lake, converted = Lake.of_home(root), 0
    for ds in DATASETS.values():
        if rows := lake.migrate(ds):
            converted += 1
            click.echo(f"{ds.layer}/{ds.name}: {rows} rows into a Delta table")
    models = root / "lake" / "models"
    old_models = {p.relative_to(models).parts[0] for p in models.glob("**/data.parquet")}
    for model in sorted(old_models):  # derived from the datasets: recomputed, not converted
        click.echo(f"models/{model}: old layout; its next materialization recomputes it")
    Catalog(root).build()
    click.echo(f"{converted} dataset(s) converted in {root}")


@main.command()
@click.option("--home", type=click.Path(path_type=Path), help="Default: $FINLAKE_HOME.")
def recover(home: Path | None) -> None:
    """Fail runs whose process died (kill -9, a crashed notebook) and free the slots they held.

    The daemon of `dg dev` does this on its own within a few minutes; this is for runs executed
    in-process (the demo, notebooks), which no daemon may be watching."""
    from finlake.instance import instance_for
    from finlake.runs import recover_dead_runs
    from finlake.settings import HomeNotFoundError, Settings, require_home

    try:
        root = require_home(_root(home))
    except HomeNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    settings = Settings.from_env(home=root)
    if not settings.dagster_dir.is_dir():
        click.echo(f"No Dagster runs recorded in {root}: nothing to recover.")
        return
    instance = instance_for(settings)
    recovery = recover_dead_runs(instance)
    for run in recovery.closed:
        click.echo(f"run {run.run_id[:8]} {run.job_name}: {run.status}, {run.reason}")
    for run_id in recovery.slots_freed:
        click.echo(f"run {run_id[:8]}: freed the pool slots it still held")
    click.echo(
        f"{len(recovery.closed)} dead run(s) closed, slots of {len(recovery.slots_freed)} "
        f"finished run(s) freed in {root}"
    )


@main.command()
@click.option("--apply", "apply_", is_flag=True, help="Delete; without it, only list (dry run).")
@click.option(
    "--keep",
    multiple=True,
    metavar="TARGET=DAYS",
    help="Override a policy, e.g. news_articles=90 or bronze/news=30 (repeatable).",
)
@click.option("--home", type=click.Path(path_type=Path), help="Default: $FINLAKE_HOME.")
def retention(apply_: bool, keep: tuple[str, ...], home: Path | None) -> None:
    """List (or with --apply, delete) what the retention policy no longer keeps."""
    from finlake.catalog import Catalog
    from finlake.contracts import DEFAULT_RETENTION_DAYS
    from finlake.lake import Lake
    from finlake.retention import apply_retention

    policy = dict(DEFAULT_RETENTION_DAYS)
    for item in keep:
        target, _, days = item.partition("=")
        if not days.isdigit():
            raise click.BadParameter(f"{item!r}: expected TARGET=DAYS", param_hint="--keep")
        policy[target] = int(days)
    root = _root(home)
    try:
        plan = apply_retention(
            Lake.of_home(root), policy, dt.datetime.now(dt.UTC), dry_run=not apply_
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    rows = int(plan.get_column("rows_removed").sum()) if plan.height else 0
    verb = "removed" if apply_ else "would remove"
    for line in plan.iter_rows(named=True):
        click.echo(
            f"{line['target']} (keep {line['keep_days']} days): {verb} {line['rows_removed']} "
            f"rows, kept {line['rows_kept']}, {line['oldest_removed'][:16]} .. "
            f"{line['newest_removed'][:16]}  {line['file']}"
        )
    click.echo(f"{verb} {rows} rows in {plan.height} files")
    if apply_ and plan.height:
        Catalog(root).build()


@main.command()
@click.option("--dry-run", is_flag=True, help="Show what would be done; change nothing.")
@click.option(
    "--retention-hours",
    type=click.IntRange(min=0),
    default=168,
    show_default=True,
    help="Versions committed this recently stay readable (time travel, open readers).",
)
@click.option("--home", type=click.Path(path_type=Path), help="Default: $FINLAKE_HOME.")
def maintain(dry_run: bool, retention_hours: int, home: Path | None) -> None:
    """Compact small files, vacuum files no version inside the retention window needs, and
    checkpoint the logs of every dataset's table (the lake_maintenance job does it daily)."""
    from finlake.lake import Lake
    from finlake.maintenance import maintain as run_maintenance
    from finlake.maintenance import render
    from finlake.settings import HomeNotFoundError, require_home

    try:
        root = require_home(_root(home))
    except HomeNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    report = run_maintenance(Lake.of_home(root), dry_run=dry_run, retention_hours=retention_hours)
    click.echo(render(report))


@main.command()
@click.argument(
    "what",
    type=click.Choice(
        ["ingest", "session", "indicators", "news", "macro", "formats", "scale", "query"]
    ),
)
@click.option("--tickers", type=int, default=500, show_default=True)
@click.option("--sessions", type=int, default=252, show_default=True, help="Sessions of history.")
@click.option(
    "--years", type=int, default=25, show_default=True, help="indicators, formats, scale: years."
)
@click.option("--hours", type=int, default=168, show_default=True, help="news: hourly polls.")
@click.option(
    "--home",
    "bench_home",
    type=click.Path(path_type=Path),
    help="scale, query: the lake's home (default: $FINLAKE_BENCH_DIR or the temp directory, "
    "finlake-bench-TICKERSxYEARS).",
)
@click.option("--repeat", type=int, default=50, show_default=True, help="query: runs per query.")
def bench(
    what: str,
    tickers: int,
    sessions: int,
    years: int,
    hours: int,
    bench_home: Path | None,
    repeat: int,
) -> None:
    """Measure throughput (see docs/performance.md); not part of the test run."""
    from finlake import bench as b

    for key, value in b.machine().items():
        click.echo(f"{key:>24}: {value}")
    if what == "formats":  # Delta Lake against Iceberg on finlake's write patterns
        from finlake import bench_formats

        click.echo(bench_formats.markdown(bench_formats.run(tickers, years)))
        return
    if what in ("scale", "query"):
        from finlake import bench_query, bench_scale

        home = (bench_home or bench_scale.default_home(tickers, years)).resolve()
        if what == "scale":
            result = bench_scale.run_scale(tickers, years, home, echo=click.echo)
        else:
            try:
                click.echo(bench_query.markdown(bench_query.run(home, repeat, echo=click.echo)))
            except bench_query.BenchQueryError as exc:
                raise click.ClickException(str(exc)) from None
            return
        for key, value in result.items():
            click.echo(f"{key:>24}: {value}")
        return
    if what == "ingest":
        result = b.bench_ingest(tickers, sessions)
    elif what == "session":
        result = b.bench_session(tickers, sessions)
    elif what == "news":
        result = b.bench_news(hours)
    elif what == "macro":
        result = b.bench_macro()
    else:
        result = b.bench_indicators(tickers, years)
    for key, value in result.items():
        click.echo(f"{key:>24}: {value}")
