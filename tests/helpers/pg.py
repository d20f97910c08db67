"""A throw-away PostgreSQL cluster for the tests: initdb + pg_ctl as a non-root user, on a
Unix socket in a temporary directory (no TCP port, nothing shared with the machine).

The superuser ``postgres`` logs in without a password (``trust``, socket only); every
other role needs its password (``scram-sha-256``), which the tests keep where libpq looks
for it: a ``.pgpass`` file named by ``PGPASSFILE``. So a wrong password is a real one, and
no password is ever in a URL or on a command line.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

ADMIN = "postgres"


def find_bin() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl``: ``$PG_BIN`` when set (and only
    it), else PATH, else Debian's ``/usr/lib/postgresql/*/bin``."""
    env = os.environ.get("PG_BIN")
    if env:
        ok = (Path(env) / "initdb").exists() and (Path(env) / "pg_ctl").exists()
        return Path(env) if ok else None
    candidates = []
    which = shutil.which("pg_ctl")
    if which:
        candidates.append(str(Path(which).parent))
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if folder and (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def _service_user() -> str | None:
    """Who runs the server when the tests run as root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "pgtest"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", "pgtest"], check=True)
    return "pgtest"


class PgServer:
    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.user = _service_user()
        self.root = Path(tempfile.mkdtemp(prefix="studyplan-pg-"))
        self.data = self.root / "data"
        self.socket = self.root
        self.passfile = self.root / "pgpass"
        self.passfile.write_text("", encoding="utf-8")
        self.passfile.chmod(0o600)
        self._dbs = 0
        os.chmod(self.root, 0o755)
        if self.user:
            shutil.chown(self.root, self.user)

    # -- running the server -----------------------------------------------------------

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=120)

    def init(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "-U", ADMIN, "-A", "trust", "-E", "UTF8", "--no-sync"
        )
        (self.data / "pg_hba.conf").write_text(
            f"local all {ADMIN} trust\nlocal all all scram-sha-256\n", encoding="utf-8"
        )
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as fh:
            fh.write(
                f"listen_addresses = ''\nunix_socket_directories = '{self.socket}'\n"
                "max_connections = 100\nfsync = on\nshared_buffers = 32MB\n"
            )
        if self.user:
            shutil.chown(self.data / "pg_hba.conf", self.user)
        self.start()

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def restart_immediate(self) -> None:
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-m",
            "immediate",
            "-w",
            "restart",
            "-l",
            str(self.root / "log"),
        )

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    # -- databases, roles, URLs ---------------------------------------------------------

    def url(self, role: str = ADMIN, db: str = "postgres") -> str:
        return f"postgresql+psycopg://{role}@/{db}?host={self.socket}"

    def connect(self, role: str = ADMIN, db: str = "postgres", **kw: Any) -> Any:
        """A plain psycopg connection (not through studyplan)."""
        import psycopg

        return psycopg.connect(
            f"postgresql://{role}@/{db}?host={self.socket}",
            autocommit=True,
            passfile=str(self.passfile),
            **kw,
        )

    def sql(self, statement: str, db: str = "postgres") -> list[tuple[Any, ...]]:
        with self.connect(db=db) as conn:
            cur = conn.execute(statement)  # type: ignore[arg-type]
            return cur.fetchall() if cur.description else []

    def new_database(self, prefix: str = "t") -> str:
        self._dbs += 1
        name = f"{prefix}_{os.getpid()}_{self._dbs}_{int(time.time() * 1000) % 100000}"
        self.sql(f'CREATE DATABASE "{name}"')
        return name

    def role(self, name: str, password: str | None = None) -> str:
        """A login role with a password, kept in the test .pgpass (idempotent)."""
        password = password or f"pw-{name}-secret"
        exists = self.sql(f"SELECT 1 FROM pg_roles WHERE rolname = '{name}'")
        verb = "ALTER" if exists else "CREATE"
        self.sql(f"{verb} ROLE \"{name}\" LOGIN PASSWORD '{password}'")
        lines = [
            line
            for line in self.passfile.read_text(encoding="utf-8").splitlines()
            if line.split(":")[3:4] != [name]
        ]
        lines.append(f"*:*:*:{name}:{password}")
        self.passfile.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return name


def start_server() -> PgServer | None:
    """A running throw-away cluster, or None when no server binary is installed."""
    bin_dir = find_bin()
    if bin_dir is None:
        return None
    server = PgServer(bin_dir)
    server.init()
    return server
