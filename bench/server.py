"""The benchmark's gunicorn and its HTTP client (one connection per request, as gunicorn's
sync workers close each connection)."""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from bench import environment


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with the project's gunicorn.conf.py: 2 sync workers on a free port."""

    def __init__(self, env: dict, log: Path, workers: int = 2) -> None:
        self.port = free_port()
        self.log = log
        self.env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_THREADS": "1",
        }
        self.process: subprocess.Popen | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{quote(path, safe='/?=&%:+,;@')}"

    def start(self, timeout: float = 120) -> None:
        self.process = subprocess.Popen(
            [
                environment.PYTHON,
                "-m",
                "gunicorn",
                "-c",
                str(environment.ROOT / "gunicorn.conf.py"),
                # Not the per-user control socket another gunicorn on the machine may hold.
                "--no-control-socket",
                "bench.wsgi:application",
            ],
            cwd=environment.ROOT,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log.read_text()[-3000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/_bench/trivial", headers={"X-Forwarded-Proto": "https"})
                if connection.getresponse().status == 200 and len(self.workers()) >= 1:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer in time")

    def drain(self) -> None:
        """Wait until the requests wrk left queued when it stopped are served, so that the
        next measurement starts on idle workers: a request behind them returns after them."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        connection.request("GET", "/_bench/bare")
        connection.getresponse().read()
        connection.close()
        time.sleep(0.5)

    def workers(self) -> list[int]:
        if self.process is None:
            return []
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            pass
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                found.append(int(stat.parent.name))
        return found

    def peak_memory(self) -> list[dict]:
        """VmHWM (peak resident set) and VmRSS of each worker, in MB."""
        figures = []
        for pid in self.workers():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            values = dict(re.findall(r"^(VmHWM|VmRSS):\s+(\d+) kB", status, re.MULTILINE))
            figures.append(
                {
                    "pid": pid,
                    "peak_mb": int(values.get("VmHWM", 0)) / 1024,
                    "rss_mb": int(values.get("VmRSS", 0)) / 1024,
                }
            )
        return figures

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes
    ms: float
    request_id: str


class Client:
    def __init__(self, server: Server) -> None:
        self.server = server
        self.host = f"127.0.0.1:{server.port}"

    def request(self, method: str, path: str, *, cookie=None, headers=None, body=None) -> Response:
        request_id = uuid.uuid4().hex
        sent = {"Host": self.host, "X-Request-ID": request_id, **environment_headers()}
        if cookie:
            sent["Cookie"] = cookie
        sent.update(headers or {})
        target = quote(path, safe="/?=&%:+,;@")
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        connection.request(method, target, body=body, headers=sent)
        response = connection.getresponse()
        content = response.read()
        ms = (time.perf_counter() - started) * 1000
        connection.close()
        received: dict = {}
        for name, value in response.getheaders():
            received.setdefault(name.lower(), []).append(value)
        flat = {name: values[-1] for name, values in received.items()}
        flat["set-cookie-all"] = received.get("set-cookie", [])
        return Response(response.status, flat, content, ms, request_id)

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def sign_in(self, email: str, password: str) -> str:
        """Sign in through the real form; the Cookie header of the signed-in session."""
        jar: dict[str, str] = {}

        def keep(response: Response) -> None:
            for line in response.headers["set-cookie-all"]:
                name, _, rest = line.partition("=")
                jar[name.strip()] = rest.split(";", 1)[0]

        def cookie() -> str:
            return "; ".join(f"{name}={value}" for name, value in jar.items() if value)

        page = self.get("/accounts/login/")
        keep(page)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if page.status != 200 or not token:
            raise RuntimeError(f"no sign-in form (HTTP {page.status})")
        form = urlencode(
            {"csrfmiddlewaretoken": token.group(1).decode(), "login": email, "password": password}
        )
        answer = self.request(
            "POST",
            "/accounts/login/",
            cookie=cookie(),
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"https://{self.host}",
                "Referer": f"https://{self.host}/accounts/login/",
            },
        )
        keep(answer)
        if answer.status != 302:
            raise RuntimeError(f"sign-in failed (HTTP {answer.status})")
        check = self.get("/accounts/", cookie=cookie())
        if check.status != 200:
            raise RuntimeError(f"signed-in page answered HTTP {check.status}")
        return cookie()

    def server_figures(self, request_ids: list[str], wait: float = 5) -> tuple[list, list]:
        """The server's duration (ms) and SQL query count of these requests, from the JSON
        request log (the observability middleware's line, first in the stack)."""
        wanted = set(request_ids)
        deadline = time.monotonic() + wait
        found: dict[str, dict] = {}
        while True:
            for line in self.server.log.read_text(errors="replace").splitlines():
                if '"duration_ms"' not in line:
                    continue
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if record.get("request_id") in wanted:
                    found[record["request_id"]] = record
            if len(found) == len(wanted) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        return (
            [found[i]["duration_ms"] for i in request_ids if i in found],
            [found[i]["queries"] for i in request_ids if i in found],
        )


def environment_headers() -> dict:
    """What production's load balancer adds: the request came in over HTTPS."""
    return {"X-Forwarded-Proto": "https"}
