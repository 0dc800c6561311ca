"""Importer of public capability ratings at run time: the LMArena text leaderboard as published CSV.

Where it is published: the repository fboulnois/llm-leaderboard-csv commits one CSV per LMArena leaderboard
snapshot (its script converts LMArena's published leaderboard tables), ``csv/lmarena_text.csv`` since 2025-07
(``csv/lmsys.csv`` before), header ``rank,rank_stylectrl,model,arena_score,95_pct_ci,votes,organization,
license,knowledge_cutoff,url``; :data:`pipelines.config.LMARENA_CSV_URL`. The ratings are LMArena's and their terms
are not verified, so tokenprices never ships them: a run fetches them (``TOKENPRICES_CAPABILITY_FETCH=1``) or reads
a folder someone gives it (``TOKENPRICES_CAPABILITY_DIR``), never both (the folder wins).

:func:`fetch_snapshot` fetches the file through the project's polite client
(:class:`pipelines.sources.fetch.LiveFetcher`: robots.txt via protego, retries with backoff via tenacity, size and
time limits), checks that it is the leaderboard format (the columns :mod:`pipelines.forecast.capability` reads, a
numeric ``arena_score`` on every row), and stores the bytes verbatim in the raw folder as
``lmarena_text_<fetch day>.csv`` — the file name :func:`pipelines.forecast.capability.load_ratings` reads, so
the folder feeds the cheapest-at-capability series exactly as a given folder does — with one provenance row per
fetch in ``provenance.csv`` beside it (file, URL, final URL, fetch time, sha256, bytes, rows, stored or
unchanged). The file carries no snapshot date, so the fetch day stands for it ("the leaderboard as seen on that
day"); a fetch whose bytes equal the newest stored snapshot stores no new file.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pipelines.sources.base import Source
from pipelines.sources.fetch import LiveFetcher

#: columns the cheapest-at-capability series reads (pipelines.forecast.capability.load_ratings).
REQUIRED_COLUMNS = ("model", "organization", "arena_score")
PROVENANCE_FILE = "provenance.csv"
PROVENANCE_COLUMNS = ["file", "url", "final_url", "fetched_at", "sha256", "bytes", "rows", "stored"]


@dataclass(frozen=True)
class Snapshot:
    """One fetch of the leaderboard: where its bytes are (``file``), where they came from, when, their sha256,
    the number of rated rows, and whether this fetch stored a new file (False: same bytes as ``file``)."""

    file: Path
    url: str
    final_url: str
    fetched_at: dt.datetime
    sha256: str
    bytes: int
    rows: int
    stored: bool


def _not_shipped(url: str) -> Source:
    host = urlsplit(url).hostname or ""
    return Source(name="lmarena_ratings", provider="lmarena", urls=(url,), fmt="csv", parse=None, hosts=(host,),
                  description="LMArena text leaderboard (CSV), fetched at run time, never shipped")


def check_format(body: bytes, url: str) -> int:
    """Rows of a leaderboard CSV ``body``; raises ValueError naming ``url`` and the line when it is not the
    published format (not UTF-8, a required column missing, an ``arena_score`` that is not a number, no row)."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{url}: not UTF-8 text ({exc})") from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"{url}: not the LMArena leaderboard CSV: columns {missing} missing "
                         f"(header: {reader.fieldnames})")
    n = 0
    for n, row in enumerate(reader, start=1):
        try:
            float(row["arena_score"])
        except (TypeError, ValueError):
            raise ValueError(f"{url}: line {n + 1}: arena_score {row['arena_score']!r} is not a number") from None
    if n == 0:
        raise ValueError(f"{url}: the leaderboard CSV has a header and no row")
    return n


def stored_snapshots(folder: Path) -> list[dict]:
    """The provenance rows of ``folder`` (oldest first); empty when nothing was fetched there."""
    path = Path(folder) / PROVENANCE_FILE
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def fetch_snapshot(url: str, folder: Path, fetcher: LiveFetcher | None = None) -> Snapshot:
    """Fetch the leaderboard CSV at ``url`` politely, check its format, store it in ``folder`` with its provenance
    (module docstring) and return what was fetched. Raises FetchError (network, HTTP status, robots.txt) or
    ValueError (format); nothing is stored then."""
    fetcher = fetcher or LiveFetcher()
    [r] = fetcher.get_urls(_not_shipped(url), [url])
    rows = check_format(r.body, url)
    digest = hashlib.sha256(r.body).hexdigest()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    previous = stored_snapshots(folder)
    last = previous[-1] if previous else None
    fetched_at = r.fetched_at.astimezone(dt.UTC).replace(microsecond=0)
    if last is not None and last["sha256"] == digest and (folder / last["file"]).is_file():
        file, stored = folder / last["file"], False
    else:
        file, stored = folder / f"lmarena_text_{fetched_at:%Y-%m-%d}.csv", True
        tmp = file.with_suffix(".part")
        tmp.write_bytes(r.body)
        tmp.replace(file)
    new = not (folder / PROVENANCE_FILE).is_file()
    with (folder / PROVENANCE_FILE).open("a", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=PROVENANCE_COLUMNS)
        if new:
            w.writeheader()
        w.writerow({"file": file.name, "url": url, "final_url": r.final_url,
                    "fetched_at": fetched_at.isoformat().replace("+00:00", "Z"), "sha256": digest,
                    "bytes": len(r.body), "rows": rows, "stored": stored})
    return Snapshot(file=file, url=url, final_url=r.final_url, fetched_at=fetched_at, sha256=digest,
                    bytes=len(r.body), rows=rows, stored=stored)
