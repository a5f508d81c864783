"""The real Patchwork 3.2.1, set up and started for the bot's tests.

The release tarball lies in ``../shared/vendor`` (see its README). Patchwork
is unpacked into the session's temporary folder, never into the project; the
venv it runs in (Django and the three packages the vendor README names) is
kept in ``.venv-patchwork/`` at the project root, like ``.venv``, and built
again only when the tarball's sha256, the pins or the Python version change.
Each session gets its own SQLite database, its own port and its own users:
sessions running at the same time share only the venv, built under a lock.

Where Patchwork cannot be had (no tarball, pip cannot reach a registry)
:class:`Unavailable` says why, and the tests that need it skip with that
reason. A Patchwork that is installed but does not start is a failure.

:class:`FaultProxy` sits in front of the real server to make it fail the way
a loaded one does (a 500, a request that never gets an answer) without
imitating any of it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from lint.record import field, record

ROOT = Path(__file__).resolve().parents[2]
TARBALL = ROOT.parent / "shared" / "vendor" / "patchwork-3.2.1.tar.gz"
VENV = ROOT / ".venv-patchwork"
PINS = (
    "Django~=5.1.0",
    "djangorestframework~=3.15.0",
    "django-filter~=24.3.0",
    "sqlparse~=0.5.1",
)
"""What the vendor README installs: v3.2.1 is the last release for Django 5.1 and Python 3.11."""

MAINTAINER = "bot-maintainer"
OUTSIDER = "bot-outsider"
PIP_TIMEOUT = 900.0
"""Seconds pip may take on a first run: a few packages, over a slow registry at worst."""
MANAGE_TIMEOUT = 180.0
START_TIMEOUT = 120.0
HTTP_TIMEOUT = 30.0


class Unavailable(Exception):
    """Patchwork cannot be set up here; the message says why (it becomes the skip reason)."""


@record
class Patchwork:
    """A running Patchwork: where it answers and how to run its ``manage.py``."""

    url: str
    source: Path
    """The unpacked release (in the session's temporary folder)."""
    python: Path
    database: Path
    maintainer_token: str = field(repr=False)
    """API token of a user who maintains every project made by :func:`new_project`."""
    outsider_token: str = field(repr=False)
    """API token of a user who maintains nothing: the checks endpoint answers it 403."""


@record
class Project:
    """A Patchwork project made for one test."""

    link_name: str
    list_id: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def venv_key(tarball: Path) -> str:
    """What the cached venv was built from: a change in any part rebuilds it."""
    version = ".".join(map(str, sys.version_info[:3]))
    return "\n".join([sha256_of(tarball), *PINS, f"python {version}"]) + "\n"


def prepare_venv(tarball: Path, venv: Path) -> Path:
    """The Python of ``venv``, with Patchwork's packages; built once per key, under a lock.

    The key file is written last: a build that died halfway is done again.
    """
    if not tarball.is_file():
        raise Unavailable(f"no Patchwork release at {tarball} (see ../shared/vendor/README.md)")
    key = venv_key(tarball)
    venv.mkdir(exist_ok=True)
    python = venv / "bin" / "python"
    stamp = venv / ".patchlens-key"
    descriptor = os.open(venv, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # venv --clear empties the folder, keeps it
        if stamp.is_file() and stamp.read_text(encoding="utf-8") == key and python.exists():
            return python
        _build_venv(venv)
        stamp.write_text(key, encoding="utf-8")
    finally:
        os.close(descriptor)
    return python


def _build_venv(venv: Path) -> None:
    made = subprocess.run(
        [sys.executable, "-m", "venv", "--clear", str(venv)],
        capture_output=True,
        text=True,
        timeout=MANAGE_TIMEOUT,
        check=False,
    )
    if made.returncode != 0:
        raise Unavailable(f"cannot make Patchwork's venv: {_tail(made.stderr)}")
    try:
        pip = subprocess.run(
            [
                *(str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"),
                *("--disable-pip-version-check", "--retries", "2", "--timeout", "30", *PINS),
            ],
            capture_output=True,
            text=True,
            timeout=PIP_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise Unavailable(f"pip install {' '.join(PINS)} took over {PIP_TIMEOUT:g} s") from None
    if pip.returncode != 0:
        raise Unavailable(f"pip install {' '.join(PINS)} failed: {_tail(pip.stderr)}")


def _tail(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip() and "WARNING" not in line]
    return " / ".join(lines[-3:]) or "(no output)"


def unpack(tarball: Path, into: Path) -> Path:
    """Patchwork's source tree, unpacked into ``into``."""
    with tarfile.open(tarball) as archive:
        archive.extractall(into, filter="data")
    [source] = [path for path in into.iterdir() if (path / "manage.py").is_file()]
    return source


def django_environ(database: Path) -> dict[str, str]:
    """The environment of Patchwork's commands: its dev settings on a SQLite file."""
    environ = dict(os.environ)
    environ.pop("PYTHONPATH", None)
    environ.update(
        DJANGO_SETTINGS_MODULE="patchwork.settings.dev",
        DATABASE_TYPE="sqlite3",
        DATABASE_NAME=str(database),
    )
    return environ


def manage(
    source: Path, python: Path, database: Path, *args: str, stdin: bytes = b""
) -> subprocess.CompletedProcess[bytes]:
    """Run ``manage.py ARGS``; a non-zero exit is an error saying what it printed."""
    done = subprocess.run(
        [str(python), "manage.py", *args],
        cwd=source,
        env=django_environ(database),
        input=stdin,
        capture_output=True,
        timeout=MANAGE_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        output = (done.stdout + done.stderr).decode("utf-8", "replace")
        raise RuntimeError(f"manage.py {' '.join(args[:1])} failed: {output[-2000:]}")
    return done


def _shell(source: Path, python: Path, database: Path, script: str) -> Any:
    """Run Python in Patchwork's Django shell; its last stdout line is JSON."""
    done = manage(source, python, database, "shell", "-c", script)
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


_USERS = """
import json
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
tokens = {}
for name in NAMES:
    user = User.objects.create_user(name, name + "@example.org", None)
    tokens[name] = Token.objects.get_or_create(user=user)[0].key
print(json.dumps(tokens))
"""

_PROJECT = """
import json
from django.contrib.auth.models import User
from patchwork.models import Project
project = Project.objects.create(linkname=LINK, name=LINK, listid=LISTID,
                                 listemail=LINK + "@lists.example.org")
for name in MAINTAINERS:
    User.objects.get(username=name).profile.maintainer_projects.add(project)
print(json.dumps(project.id))
"""


def _with(script: str, **values: object) -> str:
    """``script`` preceded by ``NAME = <json>`` lines: values pass as literals, never code."""
    return "".join(f"{name} = {json.dumps(value)}\n" for name, value in values.items()) + script


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def running_patchwork(
    workdir: Path, tarball: Path = TARBALL, venv: Path = VENV
) -> Iterator[Patchwork]:
    """Set up Patchwork in ``workdir``, serve it on a free loopback port, stop it after."""
    python = prepare_venv(tarball, venv)
    source = unpack(tarball, workdir)
    database = workdir / "patchwork.sqlite3"
    manage(source, python, database, "migrate", "--verbosity", "0")
    # parsemail files every patch in a state; the states come from this fixture.
    manage(source, python, database, "loaddata", "default_states", "default_tags")
    tokens = _shell(source, python, database, _with(_USERS, NAMES=[MAINTAINER, OUTSIDER]))
    port = free_port()
    log = workdir / "runserver.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [str(python), "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=source,
            env=django_environ(database),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_answering(url, server, log)
        yield Patchwork(
            url=url,
            source=source,
            python=python,
            database=database,
            maintainer_token=tokens[MAINTAINER],
            outsider_token=tokens[OUTSIDER],
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


def _wait_until_answering(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if server.poll() is not None:
            said = log.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise RuntimeError(f"Patchwork's runserver exited ({server.returncode}): {said}")
        try:
            with urllib.request.urlopen(f"{url}/api/", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"Patchwork did not answer at {url} within {START_TIMEOUT:g} s")
        time.sleep(0.1)


def new_project(patchwork: Patchwork, link_name: str, *, maintained: bool = True) -> Project:
    """A project of its own for one test (the bot's maintainer user maintains it)."""
    project = Project(link_name=link_name, list_id=f"{link_name}.lists.example.org")
    script = _with(
        _PROJECT,
        LINK=project.link_name,
        LISTID=project.list_id,
        MAINTAINERS=[MAINTAINER] if maintained else [],
    )
    _shell(patchwork.source, patchwork.python, patchwork.database, script)
    return project


def parse_mail(patchwork: Patchwork, project: Project, mail: bytes) -> None:
    """File ``mail`` the way a list's Patchwork does: with its own ``parsemail``."""
    manage(
        patchwork.source,
        patchwork.python,
        patchwork.database,
        "parsemail",
        f"--list-id={project.list_id}",
        stdin=mail,
    )


def api_get(patchwork: Patchwork, path: str) -> Any:
    """GET ``/api/PATH`` of the real server (anonymously: what anyone can read)."""
    request = urllib.request.Request(
        f"{patchwork.url}/api/{path}", headers={"Accept": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as answer:
        return json.loads(answer.read())


def patch_of(patchwork: Patchwork, project: Project, msgid: str) -> Any:
    """The REST view of the patch ``msgid`` in ``project``."""
    bare = msgid.strip("<>")
    [patch] = api_get(patchwork, f"patches/?project={project.link_name}&msgid={bare}")
    return patch


def checks_of(patchwork: Patchwork, project: Project, msgid: str) -> list[Any]:
    """The checks Patchwork holds for the patch ``msgid``, read back through its REST API."""
    patch = patch_of(patchwork, project, msgid)
    return list(api_get(patchwork, f"patches/{patch['id']}/checks/"))


# --- faults in front of the real server ----------------------------------------------------


class FaultProxy:
    """A real HTTP proxy to Patchwork that fails the next POSTs as told, then forwards.

    Faults: ``"500"`` answers an internal server error without forwarding;
    ``"stall"`` reads the request and never answers (until :meth:`close`), so
    the client's timeout fires. Every other request goes to Patchwork as it is.
    """

    def __init__(self, upstream: str, faults: list[str]) -> None:
        self.upstream = upstream.removeprefix("http://")
        self._faults = list(faults)
        self._lock = threading.Lock()
        self._posts: list[str] = []
        self.release = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def next_fault(self) -> str:
        with self._lock:
            return self._faults.pop(0) if self._faults else ""

    def note(self, what: str) -> None:
        with self._lock:
            self._posts.append(what)

    def posts(self) -> list[str]:
        """What happened to each POST so far: ``500``, ``stall`` or Patchwork's status."""
        with self._lock:
            return list(self._posts)

    def forward(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Any:
        connection = HTTPConnection(self.upstream, timeout=HTTP_TIMEOUT)
        try:
            connection.request(method, path, body=body or None, headers=headers)
            answer = connection.getresponse()
            return answer.status, answer.getheader("Content-Type", ""), answer.read()
        finally:
            connection.close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                del format, args

            def _relay(self, method: str) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                fault = proxy.next_fault() if method == "POST" else ""
                if fault == "stall":
                    proxy.note("stall")
                    proxy.release.wait(timeout=60)
                    self.close_connection = True
                    return
                if fault == "500":
                    proxy.note("500")
                    self._answer(500, "text/html", b"<h1>Server Error (500)</h1>")
                    return
                keep = ("Authorization", "Content-Type", "Accept")
                headers = {name: self.headers[name] for name in keep if name in self.headers}
                status, kind, data = proxy.forward(method, self.path, headers, body)
                if method == "POST":
                    proxy.note(str(status))
                self._answer(status, kind, data)

            def _answer(self, status: int, kind: str, data: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._relay("GET")

            def do_POST(self) -> None:
                self._relay("POST")

        return Handler

    def __enter__(self) -> FaultProxy:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
