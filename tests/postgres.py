"""A real, throwaway PostgreSQL cluster for the test run, started from the binaries on PATH.

PostgreSQL refuses to run as root, and CI runs as root: the cluster then belongs to the
``postgres`` system user (``runuser``). It listens on 127.0.0.1 on a free port, with durability
switched off because the data dies with the run.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DATABASE = "khabar_test"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(args: list[str], as_postgres: bool) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if as_postgres else []
    result = subprocess.run(prefix + args, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """Yields an asyncpg SQLAlchemy URL to a fresh database; stops and deletes on exit."""
    for binary in ("initdb", "pg_ctl", "createdb"):
        if shutil.which(binary) is None:
            raise RuntimeError(
                f"{binary} is not on PATH: the suite runs every API test on PostgreSQL too. "
                "Install PostgreSQL 15, or set KHABAR_TEST_BACKENDS=sqlite to run SQLite only."
            )
    as_postgres = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="khabar-pg-"))
    if as_postgres:
        shutil.chown(base, "postgres", "postgres")
    data, port = base / "data", _free_port()
    try:
        _run(["initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
              "--no-locale", "--no-sync"], as_postgres)  # fmt: skip
        options = (
            f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={base} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        _run(["pg_ctl", "-D", str(data), "-l", str(base / "server.log"), "-o", options, "-w",
              "start"], as_postgres)  # fmt: skip
        try:
            _run(["createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", DATABASE],
                 as_postgres)  # fmt: skip
            yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}/{DATABASE}"
        finally:
            _run(["pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop"], as_postgres)
    finally:
        shutil.rmtree(base, ignore_errors=True)
