"""Fetch clients: one interface, two implementations.

- :class:`LiveFetcher` fetches over HTTP with httpx (User-Agent naming the project, timeouts, redirects only
  within the source's allowed hosts).
- :class:`ReplayFetcher` serves a bundled archive of real captures (a folder with ``manifest.csv``:
  ``file, provider, url, captured_on, date_is_estimate, kind``), so a replayed page is observed at its
  capture date.

No Dagster here; :mod:`pipelines.resources` wraps these as a configurable resource.
"""

from __future__ import annotations

import csv
import datetime as dt
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from pipelines.sources.base import Source
from pipelines.registry import norm_url

USER_AGENT = "tokenprices/0.1 (+https://github.com/tokenprices/tokenprices; LLM API price tracker)"


class FetchError(RuntimeError):
    """A page could not be fetched (HTTP error status, disallowed redirect, network failure)."""


@dataclass(frozen=True)
class FetchResult:
    """One fetched document.

    ``fetched_at`` is when the bytes were obtained (UTC); ``observed_at`` is the time the prices are observed
    at: equal to ``fetched_at`` live, the capture date (00:00 UTC) on replay. ``capture`` names the archive
    file on replay.
    """

    source: str
    url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    fetched_at: dt.datetime
    observed_at: dt.datetime
    mode: str
    capture: str | None = None


class Fetcher:
    """Interface: ``fetch(source, on) -> list[FetchResult]``: the source's documents for UTC day ``on``."""

    mode = "abstract"

    def fetch(self, source: Source, on: dt.date) -> list[FetchResult]:  # pragma: no cover - interface
        raise NotImplementedError


@dataclass(frozen=True)
class Capture:
    file: str
    provider: str
    url: str
    captured_on: dt.date
    date_is_estimate: bool
    kind: str


def read_manifest(archive: Path) -> list[Capture]:
    """Rows of ``archive/manifest.csv``. Raises FileNotFoundError naming the file when it is missing."""
    path = archive / "manifest.csv"
    if not path.is_file():
        raise FileNotFoundError(f"replay archive has no manifest: {path}")
    with path.open(newline="", encoding="utf-8") as fh:
        return [
            Capture(
                file=r["file"],
                provider=r["provider"],
                url=r["url"],
                captured_on=dt.date.fromisoformat(r["captured_on"]),
                date_is_estimate=r["date_is_estimate"].strip().lower() == "true",
                kind=r["kind"],
            )
            for r in csv.DictReader(fh)
        ]


class ReplayFetcher(Fetcher):
    """Serves captures from an archive folder: for day ``on``, the captures of the source's URLs taken that day.

    Captures whose date is only an estimate (``date_is_estimate=true`` in the manifest: index copies dated
    from their content) are left out unless ``include_estimated`` is set: replaying them would put a guessed
    date into the effective-dated history.
    """

    mode = "replay"

    def __init__(self, archive: Path, include_estimated: bool = False):
        self.archive = Path(archive)
        self.captures = [c for c in read_manifest(self.archive) if include_estimated or not c.date_is_estimate]

    def captures_for(self, source: Source) -> list[Capture]:
        """All archived captures of this source's URLs, oldest first."""
        urls = {norm_url(u) for u in source.urls}
        return sorted((c for c in self.captures if norm_url(c.url) in urls), key=lambda c: c.captured_on)

    def capture_dates(self, sources: list[Source]) -> list[dt.date]:
        """Distinct capture dates across ``sources``, ascending: the partitions a replay backfill fills."""
        return sorted({c.captured_on for s in sources for c in self.captures_for(s)})

    def fetch(self, source: Source, on: dt.date) -> list[FetchResult]:
        out = []
        for c in self.captures_for(source):
            if c.captured_on != on:
                continue
            path = self.archive / c.file
            body = path.read_bytes()
            at = dt.datetime.combine(c.captured_on, dt.time(), tzinfo=dt.UTC)
            out.append(
                FetchResult(
                    source=source.name,
                    url=c.url,
                    final_url=c.url,
                    status=200,
                    content_type=_guess_type(path),
                    body=body,
                    fetched_at=at,
                    observed_at=at,
                    mode=self.mode,
                    capture=c.file,
                )
            )
        return out


def _guess_type(path: Path) -> str:
    ext = path.suffix.lower()
    return {
        ".html": "text/html",
        ".md": "text/markdown",
        ".json": "application/json",
        ".txt": "text/plain",
    }.get(ext) or (mimetypes.guess_type(path.name)[0] or "application/octet-stream")


class LiveFetcher(Fetcher):
    """Fetches a source's live URLs with httpx.

    Redirects are followed by hand, at most ``max_redirects``, and only to hosts in ``source.hosts``;
    anything else raises :class:`FetchError`. Non-2xx statuses raise FetchError naming URL and status.
    Only today's UTC day can be fetched live (a past day's page cannot be fetched now).
    """

    mode = "live"

    def __init__(self, timeout_s: float = 30.0, user_agent: str = USER_AGENT, max_redirects: int = 5):
        self.timeout_s = timeout_s
        self.user_agent = user_agent
        self.max_redirects = max_redirects

    def fetch(self, source: Source, on: dt.date) -> list[FetchResult]:
        today = dt.datetime.now(dt.UTC).date()
        if on != today:
            raise FetchError(
                f"live fetch can only fill today's partition ({today} UTC), not {on}; "
                "use the replay fetcher for past days"
            )
        headers = {"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"}
        out = []
        with httpx.Client(timeout=self.timeout_s, headers=headers, follow_redirects=False) as client:
            for url in source.urls:
                out.append(self._get(client, source, url))
        return out

    def _get(self, client: httpx.Client, source: Source, url: str) -> FetchResult:
        current = url
        for _ in range(self.max_redirects + 1):
            host = urlsplit(current).hostname
            if source.hosts and host not in source.hosts:
                raise FetchError(f"{url}: refusing to fetch {current!r}: host {host!r} not in {source.hosts}")
            try:
                resp = client.get(current)
            except httpx.HTTPError as exc:
                raise FetchError(f"{current}: {type(exc).__name__}: {exc}") from exc
            if resp.is_redirect:
                current = urljoin(current, resp.headers.get("location", ""))
                continue
            if not resp.is_success:
                raise FetchError(f"{current}: HTTP {resp.status_code}")
            now = dt.datetime.now(dt.UTC)
            return FetchResult(
                source=source.name,
                url=url,
                final_url=str(resp.url),
                status=resp.status_code,
                content_type=resp.headers.get("content-type", ""),
                body=resp.content,
                fetched_at=now,
                observed_at=now,
                mode=self.mode,
            )
        raise FetchError(f"{url}: more than {self.max_redirects} redirects")
