"""Every source contract (finlake.contracts) as Dagster definitions: a bronze fetch asset, the
silver assets its build step writes, the source's job and its schedules.

The glue is the same for every source: the step gets a SourceRun from the finlake resource and
the run's context; its report becomes the materialization metadata every asset carries (rows,
column schema, preview, seconds, plus the step's own figures); a gate's rejected rows are
recorded on the quarantine asset; errors a retry cannot fix fail the step at once, transient
ones go to the contract's RetryPolicy.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import dagster as dg

from finlake.contracts import SOURCES
from finlake.contracts.base import (
    Built,
    Cadence,
    Markdown,
    Metadata,
    SourceContract,
    SourceRun,
    StepFailed,
    Table,
)
from finlake.defs.catalog.assets import with_catalog
from finlake.defs.code_references import references_to
from finlake.defs.failures import retried_only_if_transient
from finlake.defs.metadata import fetch_metadata, frame_metadata, markdown_preview
from finlake.defs.ownership import owned
from finlake.defs.partitions import PARTITIONS
from finlake.defs.quality.assets import log_quarantine
from finlake.defs.resources import FinlakeResource
from finlake.gate import GateFailure
from finlake.lake import Lake

SINGLE_RUN = dg.BackfillPolicy.single_run()


def bronze_key(contract: SourceContract) -> dg.AssetKey:
    return dg.AssetKey(["bronze", contract.bronze])


def silver_keys(contract: SourceContract) -> dict[str, dg.AssetKey]:
    return {ds.name: dg.AssetKey([contract.silver_layer, ds.name]) for ds in contract.silver}


def dagster_metadata(metadata: Metadata) -> dict[str, dg.MetadataValue]:
    def value(v: object) -> dg.MetadataValue:
        if isinstance(v, Table):
            return dg.MetadataValue.md(markdown_preview(v.frame, v.rows))
        if isinstance(v, Markdown):
            return dg.MetadataValue.md(v.text)
        if isinstance(v, Path):
            return dg.MetadataValue.path(str(v))
        if isinstance(v, bool) or not isinstance(v, int | float):
            return dg.MetadataValue.text(str(v))
        return dg.MetadataValue.int(v) if isinstance(v, int) else dg.MetadataValue.float(v)

    return {name: value(v) for name, v in metadata.items()}


class BuildConfig(dg.Config):
    rebuild: bool = False  # refold every stored bronze batch instead of the new ones


def source_run(
    contract: SourceContract, context: dg.AssetExecutionContext, finlake: FinlakeResource
) -> SourceRun:
    partitions = tuple(context.partition_keys) if contract.partitions else ()
    return SourceRun(
        lake=finlake.lake(),
        settings=finlake.settings(),
        now=finlake.now,
        run_id=context.run.run_id,
        partitions=partitions,
        transport=lambda clock=None: finlake.client(contract, clock),
        refetch_sessions=finlake.refetch_sessions,
        macro_series=finlake.fred_series(),
    )


@contextmanager
def step_errors() -> Iterator[None]:
    """StepFailed and every error a retry cannot fix fail at once; transient ones are retried."""
    try:
        with retried_only_if_transient():
            yield
    except StepFailed as exc:
        raise dg.Failure(str(exc), allow_retries=False) from exc


def _retry(contract: SourceContract) -> dg.RetryPolicy:
    retry = contract.retry
    return dg.RetryPolicy(
        max_retries=retry.max_retries,
        delay=retry.delay_s,
        backoff=dg.Backoff.EXPONENTIAL,
        jitter=dg.Jitter.PLUS_MINUS if retry.jitter else None,
    )


def _partitioning(contract: SourceContract) -> dict:
    if contract.partitions is None:
        return {}
    return {"partitions_def": PARTITIONS[contract.partitions], "backfill_policy": SINGLE_RUN}


def bronze_asset(contract: SourceContract) -> dg.AssetsDefinition:
    @dg.asset(
        key=bronze_key(contract),
        deps=[dg.AssetKey(list(path)) for path in contract.bronze_deps],
        **owned(contract.group),
        **_partitioning(contract),
        pool=contract.pool,
        retry_policy=_retry(contract),
        kinds={"parquet", "python"},
        description=contract.bronze_description,
        metadata=references_to(contract.fetch),
    )
    def fetch(context: dg.AssetExecutionContext, finlake: FinlakeResource) -> dg.MaterializeResult:
        started = time.perf_counter()
        with step_errors():
            fetched = contract.fetch(source_run(contract, context, finlake))
        for warning in fetched.warnings:
            context.log.warning(warning)
        return dg.MaterializeResult(
            metadata=fetch_metadata(
                fetched.payloads,
                finlake.source,
                time.perf_counter() - started,
                provider=dg.MetadataValue.text(contract.provider),
                **dagster_metadata(fetched.metadata),
            )
        )

    return fetch


def _built(
    contract: SourceContract,
    context: dg.AssetExecutionContext,
    finlake: FinlakeResource,
    rebuild: bool,
) -> tuple[Built, float]:
    started = time.perf_counter()
    gate = contract.silver[0].name if len(contract.silver) == 1 else contract.group
    run = replace(source_run(contract, context, finlake), rebuild=rebuild)
    try:
        with step_errors():
            built = contract.build(run)
    except dg.Failure as exc:
        if isinstance(exc.__cause__, GateFailure):
            log_quarantine(context, exc.__cause__.rejected, gate)
        raise
    log_quarantine(context, built.rejected, gate)
    if built.failed:
        raise dg.Failure(built.failed, allow_retries=False)
    return built, time.perf_counter() - started


def _results(
    contract: SourceContract,
    context: dg.AssetExecutionContext,
    built: Built,
    seconds: float,
    lake: Lake,
) -> Iterator[dg.MaterializeResult]:
    keys = silver_keys(contract)
    for ds in contract.silver:
        for partition in built.revised.get(ds.name, []):  # a revision of an earlier partition
            context.log_event(
                dg.AssetMaterialization(
                    asset_key=keys[ds.name],
                    partition=partition,
                    description="rewritten by a later run (late revision or split restatement)",
                    metadata={"rewritten_by_run": dg.MetadataValue.text(context.run.run_id)},
                )
            )
        extra = {
            **dagster_metadata(built.common),
            **dagster_metadata(built.metadata.get(ds.name, {})),
        }
        yield dg.MaterializeResult(
            asset_key=keys[ds.name],
            metadata=frame_metadata(built.frames[ds.name], ds, seconds, lake, **extra),
        )


def silver_assets(contract: SourceContract) -> dg.AssetsDefinition:
    specs = [
        dg.AssetSpec(
            key,
            deps=[bronze_key(contract)],
            **owned(contract.group),
            description=contract.silver_description(ds),
            freshness_policy=_freshness(contract),
            kinds={"parquet", "polars"},
            metadata=references_to(contract.build),
        )
        for ds, key in zip(contract.silver, silver_keys(contract).values(), strict=True)
    ]

    def body(context: dg.AssetExecutionContext, finlake: FinlakeResource, rebuild: bool):
        built, seconds = _built(contract, context, finlake, rebuild)
        yield from _results(contract, context, built, seconds, finlake.lake())

    if len(specs) > 1:  # one step writes several datasets: a multi-asset named for the source
        decorate = dg.multi_asset(
            specs=specs, name=f"silver_{contract.group}", **_partitioning(contract)
        )
    else:
        spec = specs[0]
        decorate = dg.asset(
            key=spec.key,
            deps=spec.deps,
            group_name=spec.group_name,
            owners=spec.owners,
            tags=spec.tags,
            description=spec.description,
            freshness_policy=spec.freshness_policy,
            kinds=spec.kinds,
            metadata=spec.metadata,
            **_partitioning(contract),
        )
    if contract.build_config:

        def configured(
            context: dg.AssetExecutionContext, config: BuildConfig, finlake: FinlakeResource
        ):
            yield from body(context, finlake, config.rebuild)

        return decorate(configured)

    def plain(context: dg.AssetExecutionContext, finlake: FinlakeResource):
        yield from body(context, finlake, False)

    return decorate(plain)


def _freshness(contract: SourceContract) -> dg.FreshnessPolicy | None:
    if contract.deadline is None:
        return None
    return dg.FreshnessPolicy.cron(
        deadline_cron=contract.deadline.cron,
        lower_bound_delta=contract.deadline.earliest_before,
        timezone=contract.deadline.timezone,
    )


def source_job(contract: SourceContract):  # an unresolved asset job (not exported by dagster)
    selection = with_catalog(contract.group, *contract.job_groups)
    if contract.job_excludes:
        selection = selection - dg.AssetSelection.assets(
            *(dg.AssetKey(list(p)) for p in contract.job_excludes)
        )
    return dg.define_asset_job(
        contract.job, selection=selection, description=contract.job_description
    )


def schedule(cadence: Cadence, job) -> dg.ScheduleDefinition:
    common = {
        "name": cadence.name,
        "job": job,
        "cron_schedule": cadence.cron,
        "execution_timezone": cadence.timezone,
        "default_status": dg.DefaultScheduleStatus.RUNNING,
        "description": cadence.description,
    }
    if cadence.partition is None:
        return dg.ScheduleDefinition(**common)
    partition_for: Callable = cadence.partition

    @dg.schedule(**common)
    def tick(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
        moment = context.scheduled_execution_time
        if (key := partition_for(moment)) is None:
            return dg.SkipReason(cadence.skip(moment))
        return dg.RunRequest(run_key=key, partition_key=key)

    return tick


JOBS = {contract.group: source_job(contract) for contract in SOURCES}


@dg.definitions
def sources() -> dg.Definitions:
    return dg.Definitions(
        assets=[a for c in SOURCES for a in (bronze_asset(c), silver_assets(c))],
        jobs=list(JOBS.values()),
        schedules=[schedule(cadence, JOBS[c.group]) for c in SOURCES for cadence in c.cadences],
    )
