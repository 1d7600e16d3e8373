"""What a benchmark hands to `make bench`: its figures as JSON, one file per benchmark.

Each benchmark's `--json PATH` writes

    {"name": "...", "title": "...", "command": "...", "data": "...",
     "figures": [{"measure": "...", "value": "...", "target": "..." | null, "met": bool | null}],
     "table": "Markdown" | null, "failures": ["..."]}

`figures` are the lines of the summary table in bench/RESULTS.md; `table` an optional detail
table printed under the benchmark's heading; `failures` what must make `make bench` fail (a
page whose query count grows with the data), as opposed to a target missed, which the results
show as missed.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Figure:
    measure: str
    value: str
    target: str | None = None
    met: bool | None = None


@dataclass
class Result:
    name: str
    title: str
    command: str
    data: str = ""
    figures: list[Figure] = field(default_factory=list)
    table: str | None = None
    failures: list[str] = field(default_factory=list)

    def add(self, measure: str, value: str, target: str | None = None, met: bool | None = None):
        self.figures.append(Figure(measure, value, target, met))

    def write(self, path: str | None) -> None:
        if path:
            Path(path).write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1))


def read(path: str | Path) -> Result:
    raw = json.loads(Path(path).read_text())
    figures = [Figure(**figure) for figure in raw.pop("figures", [])]
    return Result(**raw, figures=figures)


def seconds(value: float) -> str:
    return f"{value:.2f} s"
