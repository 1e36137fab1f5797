"""Where the lake's bytes live: a local directory or an S3 bucket prefix, behind one interface.

The lake's tables are Delta tables, which delta-rs and Polars read and write on either through
the same URI and storage options. Everything else the lake keeps (bronze batches, sidecars,
archive documents) is a whole object written at once: on local disk a temp file renamed into
place, on S3 one PUT, which is atomic per object. DuckDB cannot read `s3://` here (its httpfs
extension is not installed offline), so on S3 a catalog view reads an Arrow dataset registered
on its connection instead of `read_parquet` over paths.

Credentials come only from the environment (the usual AWS variables) and live in `options`,
which no repr, log line or error shows.
"""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import duckdb
import polars as pl
import psutil
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from finlake.catalog_sql import sql_string

log = logging.getLogger(__name__)
LAKE_URI_ENV = "FINLAKE_LAKE_URI"
S3_SCHEME = "s3://"
_BUCKET = r"[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]"
_S3_URI = re.compile(rf"^s3://({_BUCKET})((?:/[A-Za-z0-9_.\-]+)*)/?$")
# AWS variable -> the storage option delta-rs and Polars take (the same names)
_AWS_OPTIONS = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_ENDPOINT_URL",
    "AWS_REGION",
)
S3_CONNECT_TIMEOUT_S, S3_REQUEST_TIMEOUT_S, S3_ATTEMPTS = 10, 60, 5
LEGACY_TEMP_AGE_S = 3600  # a temp file without a writer pid: removed once this old
_TEMP_PID = re.compile(r"^\..+\.(\d+)-[0-9a-f]{32}\.tmp(\.wal)?$")  # DuckDB adds .wal


class LakeConfigError(ValueError):
    """A lake location that cannot be used (bad URI, missing bucket): not retried."""


def check_lake_uri(uri: str) -> str:
    """`uri` normalized (no trailing slash) if it names a lake finlake can use: an absolute
    local path or s3://bucket/prefix with plain path segments."""
    uri = uri.strip()
    if uri.startswith(S3_SCHEME):
        match = _S3_URI.fullmatch(uri)
        if not match or ".." in match.group(2).split("/"):
            raise LakeConfigError(
                f"{LAKE_URI_ENV}={uri!r} is not s3://bucket/prefix (bucket: 3-63 lowercase "
                "letters, digits, dots or dashes; prefix: letters, digits, . _ - and /)"
            )
        return uri.rstrip("/")
    if "://" in uri:
        raise LakeConfigError(f"{LAKE_URI_ENV}={uri!r}: only s3:// or a local path is supported")
    path = Path(uri).expanduser()
    if not path.is_absolute():
        raise LakeConfigError(f"{LAKE_URI_ENV}={uri!r}: a local lake must be an absolute path")
    return str(path.resolve())


def s3_options(env: Mapping[str, str] = os.environ) -> dict[str, str]:
    """delta-rs / Polars storage options from the AWS variables: keys, session token, region
    (AWS_DEFAULT_REGION too, else us-east-1), an endpoint for S3-compatible stores
    (AWS_ENDPOINT_URL_S3 first), and plain HTTP when that endpoint is http://."""
    options = {name: env[name] for name in _AWS_OPTIONS if env.get(name)}
    if endpoint := env.get("AWS_ENDPOINT_URL_S3"):
        options["AWS_ENDPOINT_URL"] = endpoint
    options.setdefault("AWS_REGION", env.get("AWS_DEFAULT_REGION") or "us-east-1")
    if options.get("AWS_ENDPOINT_URL", "").startswith("http://"):
        options["AWS_ALLOW_HTTP"] = "true"
    return options


@dataclass(frozen=True)
class Store:
    """A lake location: `root` (an absolute local path or s3://bucket/prefix) and the storage
    options its table library needs (empty on local disk)."""

    root: str
    options: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def at(cls, location: str | Path, env: Mapping[str, str] = os.environ) -> Store:
        root = check_lake_uri(str(location))
        return cls(root, s3_options(env) if root.startswith(S3_SCHEME) else {})

    @property
    def local(self) -> bool:
        return not self.root.startswith(S3_SCHEME)

    def join(self, *parts: str) -> str:
        return "/".join([self.root, *(p.strip("/") for p in parts if p)])

    def relative(self, uri: str) -> str:
        """`uri` relative to the root (as errors and reports name lake files)."""
        return uri.removeprefix(self.root).lstrip("/")

    # ------------------------------------------------------------- what libraries take
    @property
    def storage_options(self) -> dict[str, str] | None:
        """For deltalake and Polars: None on local disk."""
        return dict(self.options) if self.options else None

    @cached_property
    def fs(self) -> pafs.FileSystem:
        if self.local:
            return pafs.LocalFileSystem()
        endpoint = self.options.get("AWS_ENDPOINT_URL")
        return pafs.S3FileSystem(
            access_key=self.options.get("AWS_ACCESS_KEY_ID"),
            secret_key=self.options.get("AWS_SECRET_ACCESS_KEY"),
            session_token=self.options.get("AWS_SESSION_TOKEN"),
            region=self.options.get("AWS_REGION"),
            endpoint_override=endpoint,
            scheme="http" if endpoint and endpoint.startswith("http://") else "https",
            allow_bucket_creation=False,
            allow_bucket_deletion=False,
            connect_timeout=S3_CONNECT_TIMEOUT_S,
            request_timeout=S3_REQUEST_TIMEOUT_S,
            # transient failures (throttling, 5xx, dropped connections) are retried with backoff
            retry_strategy=pafs.AwsStandardS3RetryStrategy(max_attempts=S3_ATTEMPTS),
        )

    def _path(self, uri: str) -> str:
        return uri.removeprefix(S3_SCHEME)

    def _uri(self, path: str) -> str:
        return path if self.local else S3_SCHEME + path

    def check(self) -> None:
        """Fail at once, naming the location (never a secret), when the bucket is missing or
        unreachable: a configuration error, not something a retry mends."""
        if self.local:
            return
        bucket = self._path(self.root).split("/")[0]
        try:
            info = self.fs.get_file_info(bucket)
        except OSError as exc:
            raise LakeConfigError(f"lake {self.root}: cannot reach its bucket: {exc}") from None
        if info.type != pafs.FileType.Directory:
            endpoint = self.options.get("AWS_ENDPOINT_URL", "AWS")
            raise LakeConfigError(f"lake {self.root}: no bucket {bucket!r} at {endpoint}")

    # ------------------------------------------------------------- objects
    def info(self, uri: str) -> tuple[int, int] | None:
        """(size, mtime in ns) of the file at `uri`; None when there is none."""
        found = self.fs.get_file_info(self._path(uri))
        if found.type != pafs.FileType.File:
            return None
        return found.size, found.mtime_ns or 0

    def exists(self, uri: str) -> bool:
        return self.info(uri) is not None

    def list(self, prefix: str, suffix: str = "") -> list[str]:
        """The files under `prefix` (recursively) whose names end with `suffix`, sorted."""
        return sorted(self.stat_all(prefix, suffix))

    def stat_all(self, prefix: str, suffix: str = "") -> dict[str, tuple[int, int]]:
        """`list` with each file's (size, mtime in ns), from the one listing."""
        selector = pafs.FileSelector(self._path(prefix), recursive=True, allow_not_found=True)
        return {
            self._uri(i.path): (i.size, i.mtime_ns or 0)
            for i in self.fs.get_file_info(selector)
            if i.type == pafs.FileType.File and i.path.endswith(suffix)
        }

    def read_bytes(self, uri: str) -> bytes:
        with self.fs.open_input_stream(self._path(uri)) as f:
            return f.read()

    def read_tail(self, uri: str, head: int, tail: int) -> tuple[bytes, bytes]:
        """The first `head` and last `tail` bytes of a file (a Parquet file's magic)."""
        with self.fs.open_input_file(self._path(uri)) as f:
            first = f.read(head)
            f.seek(max(f.size() - tail, 0))
            return first, f.read(tail)

    def parquet_schema(self, uri: str) -> pa.Schema:
        """The schema in a Parquet file's footer (raises when the footer does not parse)."""
        with self.fs.open_input_file(self._path(uri)) as f:
            return pq.read_schema(f)

    def write_bytes(self, uri: str, body: bytes) -> None:
        """Store `body` at `uri` whole or not at all: a reader or a kill never leaves a part."""
        if not self.local:
            with self.fs.open_output_stream(self._path(uri)) as f:  # one PUT
                f.write(body)
            return
        target = Path(uri)
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_dead_temps(target.parent)  # what a writer killed here before left
        tmp = temp_path(target)
        try:
            tmp.write_bytes(body)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)

    def write_parquet(self, uri: str, df: pl.DataFrame) -> None:
        buffer = io.BytesIO()
        df.write_parquet(buffer, compression="zstd", statistics=True)
        self.write_bytes(uri, buffer.getvalue())

    def delete(self, uri: str) -> None:
        """Remove the file at `uri` (gone already is fine), and on disk its emptied folders."""
        try:
            self.fs.delete_file(self._path(uri))
        except FileNotFoundError:
            return
        if self.local:
            for folder in list(Path(uri).parents)[:2]:
                try:
                    folder.rmdir()
                except OSError:
                    break

    def delete_tree(self, uri: str) -> None:
        """Remove everything under `uri` (a table dropped to be written anew)."""
        if self.local:
            shutil.rmtree(uri, ignore_errors=True)
            return
        for found in self.list(uri):
            self.fs.delete_file(self._path(found))

    def move(self, source: str, target: str) -> None:
        """Move a file (a rename on disk; a copy and delete on S3). Raises FileNotFoundError
        when another process moved it first."""
        if self.local:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
            return
        if not self.exists(source):
            raise FileNotFoundError(source)
        self.fs.copy_file(self._path(source), self._path(target))
        self.fs.delete_file(self._path(source))

    # ------------------------------------------------------------- DuckDB
    def duckdb_source(
        self,
        con: duckdb.DuckDBPyConnection,
        name: str,
        files: list[str],
        schema: pa.Schema | None = None,
    ) -> str:
        """A FROM clause reading `files` on `con`: read_parquet over local paths (columns
        matched by name, a missing one null); on S3 an Arrow dataset over the same objects,
        registered on the connection as `name` (with `schema`, a file lacking a column reads
        it as null)."""
        if self.local:
            listed = ", ".join(sql_string(f) for f in files)
            return f"read_parquet([{listed}], union_by_name = true, hive_partitioning = false)"
        dataset = pads.dataset(
            [self._path(f) for f in files],
            schema=None if schema is None else _string_views(schema),
            format="parquet",
            filesystem=self.fs,
        )
        con.register(name, dataset)
        return f'"{name}"'


def _string_view(kind: pa.DataType) -> pa.DataType:
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return pa.string_view()
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return pa.list_(_string_view(kind.value_type))
    return kind


def _string_views(schema: pa.Schema) -> pa.Schema:
    """`schema` with its strings as string_view, the type delta-rs writes: a filter DuckDB
    pushes into the dataset then compares like types (Arrow has no large_string vs
    string_view kernel)."""
    return pa.schema([f.with_type(_string_view(f.type)) for f in schema])


def temp_path(target: Path) -> Path:
    """Where a write of `target` stages its bytes: beside it, hidden, named by the writing
    process so that a later run can tell a dead writer's leftover from a live one's."""
    return target.parent / f".{target.name}.{os.getpid()}-{uuid.uuid4().hex}.tmp"


def _process_alive(pid: int) -> bool:
    """Alive and not a zombie: a killed writer stays a zombie until its parent reaps it."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:  # it exists, under another user
        return True


def _writer_gone(path: Path) -> bool:
    match = _TEMP_PID.match(path.name)
    if match:
        return not _process_alive(int(match.group(1)))
    if not path.name.endswith((".tmp", ".tmp.wal")):
        return False
    try:  # written before temp names carried the pid
        return time.time() - path.stat().st_mtime > LEGACY_TEMP_AGE_S
    except OSError:
        return False


def remove_dead_temps(directory: Path) -> list[Path]:
    """Delete the half-written temp files (and staging directories) under `directory` whose
    writer process is gone: what a killed run leaves behind. Returns what was removed."""
    removed: list[Path] = []
    if not directory.is_dir():
        return removed
    for path in directory.rglob(".*.tmp*"):
        if not _writer_gone(path):
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    if removed:
        log.warning("removed %d temp files of killed writers under %s", len(removed), directory)
    return removed
