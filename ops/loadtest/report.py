"""The load test's report: Locust's CSV statistics as a Markdown section of bench/results.md.

The section sits between ``START`` and ``END``; the rest of the file (the benchmark harness's
own section among others) is kept as it is. Pure functions, no Django, no Locust.
"""

import csv
import os
import platform
from dataclasses import dataclass, field
from pathlib import Path

START = "<!-- loadtest:start -->"
END = "<!-- loadtest:end -->"


@dataclass
class Row:
    name: str
    method: str
    requests: int
    failures: int
    rps: float
    p50: str
    p95: str
    p99: str
    max: str


@dataclass
class Results:
    rows: list[Row]
    total: Row
    failures: list[tuple[str, str, str, int]] = field(
        default_factory=list
    )  # method, name, error, n
    exceptions: list[tuple[int, str]] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return self.total.failures + sum(count for count, _ in self.exceptions)


def _ms(value: str) -> str:
    return value if value in ("", "N/A") else f"{float(value):,.0f}"


def read(prefix: Path) -> Results:
    """Read ``<prefix>_stats.csv``, ``_failures.csv`` and ``_exceptions.csv`` (locust --csv)."""
    rows, total = [], None
    with open(f"{prefix}_stats.csv", newline="") as stats:
        for line in csv.DictReader(stats):
            row = Row(
                name=line["Name"],
                method=line["Type"],
                requests=int(line["Request Count"]),
                failures=int(line["Failure Count"]),
                rps=float(line["Requests/s"]),
                p50=_ms(line["50%"]),
                p95=_ms(line["95%"]),
                p99=_ms(line["99%"]),
                max=_ms(line["Max Response Time"]),
            )
            if line["Name"] == "Aggregated":
                total = row
            else:
                rows.append(row)
    if total is None:
        raise ValueError(f"{prefix}_stats.csv has no Aggregated row")
    failures, exceptions = [], []
    if Path(f"{prefix}_failures.csv").exists():
        with open(f"{prefix}_failures.csv", newline="") as lines:
            failures = [
                (line["Method"], line["Name"], line["Error"], int(line["Occurrences"]))
                for line in csv.DictReader(lines)
            ]
    if Path(f"{prefix}_exceptions.csv").exists():
        with open(f"{prefix}_exceptions.csv", newline="") as lines:
            exceptions = [(int(line["Count"]), line["Message"]) for line in csv.DictReader(lines)]
    return Results(
        rows=sorted(rows, key=lambda r: r.name),
        total=total,
        failures=failures,
        exceptions=exceptions,
    )


def machine() -> str:
    """CPU model, cores and memory of this machine (Linux's /proc; else what platform says)."""
    model, memory = platform.processor() or platform.machine(), ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores{memory}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(results: Results, *, settings: dict[str, str], when: str, machine: str) -> str:
    """The section's Markdown (without the markers)."""
    total = results.total
    lines = [
        "## Load test",
        "",
        f"`make loadtest`, {when}: Locust (headless) against the two-node cluster of "
        "`make cluster-test` (two gunicorn nodes behind HAProxy, two Celery workers, beat, "
        "PostgreSQL, Redis, S3 server, SMTP sink) with production settings.",
        "",
        *(f"- {key}: {value}" for key, value in settings.items()),
        f"- Machine: {machine} (Locust, the cluster, PostgreSQL and Redis on the same machine)",
        f"- Requests: {total.requests:,}; total throughput: {total.rps:.1f} requests/s",
        f"- Errors: {results.errors}",
        "",
        "| page (request name) | requests | req/s | failures | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in [*results.rows, total]:
        name = "**all pages**" if row is total else _cell(row.name)
        lines.append(
            f"| {name} | {row.requests:,} | {row.rps:.2f} | {row.failures} | {row.p50} | "
            f"{row.p95} | {row.p99} | {row.max} |"
        )
    if results.failures or results.exceptions:
        lines += ["", "Errors:", "", "| method | page | error | count |", "|---|---|---|---|"]
        for method, name, error, count in results.failures:
            lines.append(f"| {method} | {_cell(name)} | {_cell(error)} | {count} |")
        for count, message in results.exceptions:
            lines.append(f"| | (exception in the scenario) | {_cell(message)} | {count} |")
    return "\n".join(lines)


def replace_section(text: str, section: str) -> str:
    """``text`` with the load-test section replaced by ``section`` (appended, with its markers,
    when absent); everything outside the markers is kept byte for byte."""
    block = f"{START}\n{section.strip()}\n{END}"
    if START in text and END in text.split(START, 1)[1]:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        return before + block + after
    separator = (
        "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
    )
    return f"{text}{separator}{block}\n"


def write(path: Path, section: str) -> None:
    text = path.read_text() if path.exists() else ""
    path.write_text(replace_section(text, section))
