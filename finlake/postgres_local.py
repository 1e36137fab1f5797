"""A throwaway PostgreSQL server from the OS's own binaries, listening only on a Unix socket in a
temporary directory: for benchmarks against PostgreSQL and for tests that need a real server.

The server refuses to run as root, so as root the cluster belongs to the `postgres` user (which
the Debian package creates) and the commands run through `runuser`.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = "install the OS package (Debian: apt-get install postgresql)"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries here, or the server would not start."""


@dataclass(frozen=True)
class LocalPostgres:
    socket_dir: Path
    port: int
    user: str

    @property
    def conninfo(self) -> str:
        return f"host={self.socket_dir} port={self.port} user={self.user} dbname=postgres"


def server_bin() -> Path:
    """The directory holding initdb and pg_ctl: on PATH, else Debian's versioned directory."""
    found = shutil.which("initdb") and shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    if versions:
        return Path(versions[0]).parent
    raise PostgresUnavailable(f"no PostgreSQL server binaries (initdb, pg_ctl): {INSTALL_HINT}")


@contextmanager
def local_postgres(port: int = 54329) -> Iterator[LocalPostgres]:
    """Start a fresh cluster on a socket in a temporary directory; stop and delete it after."""
    bin_dir = server_bin()
    root = os.geteuid() == 0
    user = "postgres" if root else pwd.getpwuid(os.geteuid()).pw_name
    if root:
        try:
            owner = pwd.getpwnam(user)
        except KeyError:
            raise PostgresUnavailable(
                "running as root needs the 'postgres' user to own the server"
            ) from None
    tmp = Path(tempfile.mkdtemp(prefix="finlake-pg-"))
    data, sock = tmp / "data", tmp / "socket"
    sock.mkdir()
    if root:
        for path in (tmp, sock):
            os.chown(path, owner.pw_uid, owner.pw_gid)

    def run(*args: str) -> None:
        command = [str(bin_dir / args[0]), *args[1:]]
        if root:
            command = ["runuser", "-u", user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode:
            raise PostgresUnavailable(f"{args[0]} failed: {(done.stderr or done.stdout)[-400:]}")

    try:
        run("initdb", "-D", str(data), "-A", "trust", "-U", user, "-E", "UTF8", "--no-sync")
        options = f"-p {port} -k {sock} -c listen_addresses='' -c fsync=off -c shared_buffers=1GB"
        run("pg_ctl", "-D", str(data), "-o", options, "-l", str(tmp / "server.log"), "-w", "start")
        try:
            yield LocalPostgres(sock, port, user)
        finally:
            run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
