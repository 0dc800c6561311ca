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
import dataclasses
import datetime as dt
import json
import email.utils
import mimetypes
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from pipelines.sources.base import Source
from pipelines.sources.registry import norm_url

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
    etag: str | None = None
    last_modified: str | None = None


class Fetcher:
    """Interface: ``fetch(source, on, validators=None) -> list[FetchResult]``: the source's documents for UTC
    day ``on``; ``validators`` (URL -> :class:`Validators`) make live requests conditional."""

    mode = "abstract"

    def fetch(self, source: Source, on: dt.date, validators: dict | None = None) -> list[FetchResult]:  # pragma: no cover
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
        self.include_estimated = include_estimated
        self.captures = [c for c in read_manifest(self.archive) if include_estimated or not c.date_is_estimate]

    def captures_for(self, source: Source) -> list[Capture]:
        """All archived captures of this source's URLs, oldest first."""
        urls = {norm_url(u) for u in (*source.urls, *source.archive_urls)}
        return sorted((c for c in self.captures if norm_url(c.url) in urls), key=lambda c: c.captured_on)

    def capture_dates(self, sources: list[Source]) -> list[dt.date]:
        """Distinct capture dates across ``sources``, ascending: the partitions a replay backfill fills."""
        return sorted({c.captured_on for s in sources for c in self.captures_for(s)})

    def fetch(self, source: Source, on: dt.date, validators: dict | None = None) -> list[FetchResult]:
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


@dataclass(frozen=True)
class Validators:
    """What the last successful fetch of a URL returned, for a conditional request (ETag / Last-Modified)."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class PolitePolicy:
    """How live fetching behaves towards a site. Defaults are what a site operator would accept.

    - ``min_delay_s``: pause between two requests to the same host (a robots.txt ``Crawl-delay`` raises it);
    - ``max_attempts``, ``backoff_initial_s``, ``backoff_max_s``: retries on 429, 5xx, timeouts and connection
      errors, with exponential backoff and full jitter; a ``Retry-After`` header is honoured (up to
      ``max_retry_after_s``; a longer one fails the fetch rather than stalling the run);
    - ``max_bytes``: largest body accepted, checked on ``Content-Length`` and on the decompressed bytes;
    - ``respect_robots``: fetch and obey ``/robots.txt`` per host (protego).
    """

    user_agent: str = USER_AGENT
    timeout_s: float = 30.0
    min_delay_s: float = 2.0
    max_attempts: int = 4
    backoff_initial_s: float = 2.0
    backoff_max_s: float = 60.0
    max_retry_after_s: float = 300.0
    max_bytes: int = 20 * 2**20
    max_redirects: int = 5
    respect_robots: bool = True


class _Retryable(Exception):
    """A transient failure (429, 5xx, timeout, connection error); ``retry_after`` in seconds if the server said."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


def _retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP-date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


class LiveFetcher(Fetcher):
    """Fetches a source's live URLs over HTTP with httpx, politely (see :class:`PolitePolicy`).

    Only hosts in ``source.hosts`` are ever requested, redirects included (anything else raises
    :class:`FetchError`). Requests are conditional when ``validators`` for the URL are given: an unchanged page
    answers 304 and comes back as a :class:`FetchResult` with ``status=304`` and an empty body (the caller
    reuses the stored snapshot). Only today's UTC day can be fetched live.
    Raises FetchError (naming URL and cause) when a URL cannot be fetched after the retries.
    """

    mode = "live"

    def __init__(self, policy: PolitePolicy | None = None, sleep=time.sleep):
        self.policy = policy or PolitePolicy()
        self._sleep = sleep
        self._robots: dict[str, Protego | None] = {}
        self._last_request: dict[str, float] = {}
        self._host_locks: dict[str, threading.Lock] = {}

    def fetch(
        self, source: Source, on: dt.date, validators: dict[str, Validators] | None = None
    ) -> list[FetchResult]:
        today = dt.datetime.now(dt.UTC).date()
        if on != today:
            raise FetchError(
                f"live fetch can only fill today's partition ({today} UTC), not {on}; "
                "use the replay fetcher for past days"
            )
        return self.get_urls(source, source.urls, validators)

    def get_urls(
        self, source: Source, urls, validators: dict[str, Validators] | None = None
    ) -> list[FetchResult]:
        """Fetch ``urls`` now, politely, only within ``source.hosts`` (no date check: for archive clients that
        fetch old captures of a page). Raises FetchError."""
        headers = {"User-Agent": self.policy.user_agent, "Accept-Encoding": "gzip, deflate"}
        out = []
        with httpx.Client(timeout=self.policy.timeout_s, headers=headers, follow_redirects=False) as client:
            for url in urls:
                out.append(self._get(client, source, url, (validators or {}).get(url)))
        return out

    # -- politeness -------------------------------------------------------------------------------------
    def _check_host(self, source: Source, url: str, asked: str) -> str:
        host = urlsplit(url).hostname or ""
        if host not in source.hosts:
            raise FetchError(f"{asked}: refusing to fetch {url!r}: host {host!r} not in {source.hosts}")
        return host

    def _wait_turn(self, host: str, delay: float) -> None:
        last = self._last_request.get(host)
        if last is not None:
            gap = time.monotonic() - last
            if gap < delay:
                self._sleep(delay - gap)
        self._last_request[host] = time.monotonic()

    def _robots_for(self, client: httpx.Client, url: str) -> Protego | None:
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        if base not in self._robots:
            try:
                resp = client.get(f"{base}/robots.txt")
            except httpx.HTTPError:
                resp = None
            if resp is None or resp.status_code >= 500:
                # RFC 9309 2.3.1.4: an unreachable robots.txt means the whole site is disallowed.
                self._robots[base] = Protego.parse("User-agent: *\nDisallow: /\n")
            elif resp.status_code >= 400:
                self._robots[base] = None  # no robots.txt: everything allowed
            else:
                self._robots[base] = Protego.parse(resp.text)
        return self._robots[base]

    # -- one URL ---------------------------------------------------------------------------------------
    def _get(self, client: httpx.Client, source: Source, url: str, validators: Validators | None) -> FetchResult:
        p = self.policy
        current = url
        for _ in range(p.max_redirects + 1):
            host = self._check_host(source, current, url)
            delay = p.min_delay_s
            if p.respect_robots:
                robots = self._robots_for(client, current)
                if robots is not None:
                    if not robots.can_fetch(current, p.user_agent):
                        raise FetchError(f"{current}: disallowed by robots.txt for {p.user_agent!r}")
                    delay = max(delay, robots.crawl_delay(p.user_agent) or 0)
            lock = self._host_locks.setdefault(host, threading.Lock())
            with lock:
                resp_meta, body = self._get_with_retries(client, current, validators if current == url else None, host, delay)
            status, headers, final = resp_meta
            if 300 <= status < 400 and status != 304:
                current = urljoin(current, headers.get("location", ""))
                continue
            now = dt.datetime.now(dt.UTC)
            return FetchResult(
                source=source.name,
                url=url,
                final_url=final,
                status=status,
                content_type=headers.get("content-type", ""),
                body=body,
                fetched_at=now,
                observed_at=now,
                mode=self.mode,
                etag=headers.get("etag"),
                last_modified=headers.get("last-modified"),
            )
        raise FetchError(f"{url}: more than {p.max_redirects} redirects")

    def _get_with_retries(self, client, url, validators, host, delay):
        p = self.policy

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, _Retryable) and exc.retry_after is not None:
                if exc.retry_after > p.max_retry_after_s:
                    raise FetchError(f"{url}: server asks to retry after {exc.retry_after:.0f}s (> {p.max_retry_after_s:.0f}s)")
                return exc.retry_after
            return wait_random_exponential(multiplier=p.backoff_initial_s, max=p.backoff_max_s)(state)

        retrying = Retrying(
            stop=stop_after_attempt(p.max_attempts),
            wait=wait,
            retry=retry_if_exception_type(_Retryable),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    self._wait_turn(host, delay)
                    return self._request(client, url, validators)
        except _Retryable as exc:
            raise FetchError(f"{url}: gave up after {p.max_attempts} attempts: {exc}") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _request(self, client: httpx.Client, url: str, validators: Validators | None):
        p = self.policy
        headers = {}
        if validators and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        try:
            with client.stream("GET", url, headers=headers) as resp:
                if resp.status_code == 429 or resp.status_code >= 500:
                    raise _Retryable(f"HTTP {resp.status_code}", _retry_after_seconds(resp.headers.get("retry-after")))
                if resp.status_code >= 400:
                    raise FetchError(f"{url}: HTTP {resp.status_code}")
                if resp.status_code == 304 or 300 <= resp.status_code < 400:
                    return (resp.status_code, resp.headers, str(resp.url)), b""
                declared = resp.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > p.max_bytes:
                    raise FetchError(f"{url}: body of {int(declared):,} bytes exceeds the limit of {p.max_bytes:,}")
                chunks, size = [], 0
                for chunk in resp.iter_bytes():  # decompressed bytes
                    size += len(chunk)
                    if size > p.max_bytes:
                        raise FetchError(f"{url}: body exceeds the limit of {p.max_bytes:,} bytes (after decompression)")
                    chunks.append(chunk)
                return (resp.status_code, resp.headers, str(resp.url)), b"".join(chunks)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise _Retryable(f"{type(exc).__name__}: {exc}") from exc


@dataclass(frozen=True)
class ArchivedCapture:
    """One Internet Archive capture of a page: ``timestamp`` (UTC), the ``original`` URL, its content ``digest``."""

    timestamp: dt.datetime
    original: str
    digest: str


class WaybackFetcher(Fetcher):
    """Archive backfill from the Internet Archive: lists a source's captures with the CDX API and fetches a day's
    capture as the original bytes (``/web/<timestamp>id_/<url>``), observed at the capture time.

    Requests go through :class:`LiveFetcher`'s polite client (robots.txt, delay, retries, size caps) and only to
    the archive's host. ``base`` is configurable (tests use a local server).
    CDX API: https://github.com/internetarchive/wayback/tree/master/wayback-cdx-server
    """

    mode = "wayback"

    def __init__(self, base: str = "https://web.archive.org", policy: PolitePolicy | None = None, sleep=time.sleep):
        self.base = base.rstrip("/")
        self.live = LiveFetcher(policy, sleep=sleep)
        self.host = urlsplit(self.base).hostname or ""

    def _archive_source(self, source: Source) -> Source:
        return Source(name=source.name, provider=source.provider, urls=(), fmt=source.fmt, parse=source.parse,
                      hosts=(self.host,))

    def captures(self, source: Source, start: dt.date, end: dt.date) -> list[ArchivedCapture]:
        """Distinct captures (by content digest) with HTTP 200 of the source's live and archived URLs between
        ``start`` and ``end`` inclusive, oldest first. Raises FetchError."""
        out = []
        for url in (*source.urls, *source.archive_urls):
            query = httpx.QueryParams(
                {"url": url, "output": "json", "from": f"{start:%Y%m%d}", "to": f"{end:%Y%m%d}",
                 "filter": "statuscode:200", "collapse": "digest"}
            )
            [r] = self.live.get_urls(self._archive_source(source), [f"{self.base}/cdx/search/cdx?{query}"])
            try:
                rows = json.loads(r.body or b"[]")
            except ValueError as exc:
                raise FetchError(f"CDX answer for {url} is not JSON: {exc}") from exc
            if not rows:
                continue
            header, *data = rows
            col = {name: i for i, name in enumerate(header)}
            for row in data:
                ts = dt.datetime.strptime(row[col["timestamp"]], "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)
                out.append(ArchivedCapture(timestamp=ts, original=row[col["original"]], digest=row[col["digest"]]))
        return sorted(out, key=lambda c: c.timestamp)

    def fetch(self, source: Source, on: dt.date, validators: dict | None = None) -> list[FetchResult]:
        """The last capture of each of the source's URLs taken on UTC day ``on`` (none: an empty list)."""
        latest: dict[str, ArchivedCapture] = {}
        for c in self.captures(source, on, on):
            latest[c.original] = c
        out = []
        for c in latest.values():
            raw_url = f"{self.base}/web/{c.timestamp:%Y%m%d%H%M%S}id_/{c.original}"
            [r] = self.live.get_urls(self._archive_source(source), [raw_url])
            out.append(dataclasses.replace(
                # fetched_at is the archive's capture time: the moment these bytes were fetched from the page
                r, source=source.name, url=c.original, fetched_at=c.timestamp, observed_at=c.timestamp,
                mode=self.mode, capture=raw_url,
            ))
        return out
