"""The screenshots UI findings point to, read from the run's output folder for report.html.

A finding's evidence names its pictures by path (``screenshot``, ``screenshot_before`` and
``screenshot_after``, also inside each of a ui_functional finding's ``behaviours``). Only files in
the run's own ``screenshots/`` folder are read, only PNGs, and within a size budget: the page
embeds them as data: URIs, and a run of many broken pages must not make it unopenable.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from assay.domain.findings import Finding
from assay.domain.json import as_list, as_object, as_str
from assay.domain.run import RunResult

FOLDER = "screenshots"
MAX_BYTES = 3_000_000  # one picture larger than this is named, not embedded
MAX_TOTAL_BYTES = 20_000_000  # the page's pictures together
_PNG = b"\x89PNG\r\n\x1a\n"
_KEYS = (("screenshot", "screenshot"), ("screenshot_before", "before"), ("screenshot_after", "after"))

# path as the evidence names it -> the picture's bytes, or why it is not embedded
Shots = Mapping[str, bytes | str]


def screenshot_refs(finding: Finding) -> list[tuple[str, str]]:
    """(caption, path) of every picture the finding's evidence names, in order, each once."""
    holders = [finding.evidence, *(as_object(b) for b in as_list(finding.evidence.get("behaviours")))]
    refs: dict[str, str] = {}
    for holder in holders:
        for key, caption in _KEYS:
            path = as_str(holder.get(key))
            if path and path not in refs:
                refs[path] = caption
    return [(caption, path) for path, caption in refs.items()]


def relative(path: str) -> str | None:
    """``screenshots/<name>`` for a path into a run's screenshots folder, or None."""
    norm = path.replace("\\", "/")
    if f"/{FOLDER}/" in norm:
        tail = norm.rsplit(f"/{FOLDER}/", 1)[1]
    elif norm.startswith(f"{FOLDER}/"):
        tail = norm[len(FOLDER) + 1 :]
    else:
        return None
    pure = PurePosixPath(tail)
    if not tail or ".." in pure.parts:
        return None
    return f"{FOLDER}/{pure.as_posix()}"


def load_screenshots(run: RunResult, out_dir: Path | None) -> dict[str, bytes | str]:
    """Every picture the findings name: its bytes, or the reason it is left out of the page."""
    shots: dict[str, bytes | str] = {}
    total = 0
    for finding in run.findings:
        for _, path in screenshot_refs(finding):
            if path in shots:
                continue
            name = relative(path)
            file = out_dir / name if out_dir is not None and name else None
            if file is None or not file.is_file():
                shots[path] = "the file is missing from this run's screenshots folder"
                continue
            size = file.stat().st_size
            if size > MAX_BYTES or total + size > MAX_TOTAL_BYTES:
                shots[path] = f"not embedded ({size // 1024} KB, over the page's budget)"
                continue
            data = file.read_bytes()
            if not data.startswith(_PNG):
                shots[path] = "not a PNG file"
                continue
            shots[path] = data
            total += size
    return shots
