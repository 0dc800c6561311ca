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
import socket
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


class ManifestError(ValueError):
    """A replay archive's ``manifest.csv`` has a row that cannot be read (the message names file and line)."""


@dataclass(frozen=True)
class Capture:
    file: str
    provider: str
    url: str
    captured_on: dt.date
    date_is_estimate: bool
    kind: str


def read_manifest(archive: Path) -> list[Capture]:
    """Rows of ``archive/manifest.csv``. Raises FileNotFoundError naming the file when it is missing,
    :class:`ManifestError` naming the file and line for a row that cannot be read (a missing column, a date that is not YYYY-MM-DD)."""
    path = archive / "manifest.csv"
    if not path.is_file():
        raise FileNotFoundError(f"replay archive has no manifest: {path}")
    out = []
    with path.open(newline="", encoding="utf-8") as fh:
        for line, r in enumerate(csv.DictReader(fh), start=2):
            missing = [k for k in ("file", "provider", "url", "captured_on", "date_is_estimate", "kind") if not r.get(k)]
            if missing:
                raise ManifestError(f"{path} line {line}: no {missing[0]}")
            try:
                day = dt.date.fromisoformat(r["captured_on"])
            except ValueError:
                raise ManifestError(f"{path} line {line}: captured_on {r['captured_on']!r} is not a date YYYY-MM-DD") from None
            out.append(Capture(
                file=r["file"],
                provider=r["provider"],
                url=r["url"],
                captured_on=day,
                date_is_estimate=r["date_is_estimate"].strip().lower() == "true",
                kind=r["kind"],
            ))
    return out


class ReplayFetcher(Fetcher):
    """Serves captures from an archive folder: for day ``on``, the captures of the source's URLs taken that day.

    Captures whose date is only an estimate (``date_is_estimate=true`` in the manifest: index copies dated
    from their content) are left out unless ``include_estimated`` is set: replaying them would put a guessed
    date into the effective-dated history.
    """

    mode = "replay"

    #: largest capture replayed: the live fetcher's limit (a bigger file is not a page it could have fetched).
    max_bytes = 20 * 2**20

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
            size = path.stat().st_size
            if size > self.max_bytes:
                raise FetchError(f"{path}: capture of {size:,} bytes exceeds the limit of {self.max_bytes:,} "
                                 "(the live fetcher's max_bytes)")
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
    - ``request_deadline_s``: wall-clock limit on one request, connection to last byte (``timeout_s`` is httpx's
      limit per read, so a server trickling a byte a second would otherwise never end); at the deadline the
      socket is shut down, and the attempt counts as a timeout;
    - ``source_deadline_s``: wall-clock limit on all the requests of one :meth:`LiveFetcher.get_urls` call (a
      source's URLs, their robots.txt, retries and pauses included): past it the source fails with what it has;
    - ``respect_robots``: fetch and obey ``/robots.txt`` per host (protego), at most ``max_robots_bytes``
      (RFC 9309 2.5: a crawler parses at least the first 500 KiB and may ignore the rest), in one attempt
      within the same deadlines.
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
    request_deadline_s: float = 120.0
    source_deadline_s: float = 300.0
    respect_robots: bool = True
    max_robots_bytes: int = 500 * 2**10


class _Retryable(Exception):
    """A transient failure (429, 5xx, timeout, connection error); ``retry_after`` in seconds if the server said;
    ``unreachable``: the host could not be connected to at all (no network, DNS failure, connection refused)."""

    def __init__(self, message: str, retry_after: float | None = None, unreachable: bool = False):
        super().__init__(message)
        self.retry_after = retry_after
        self.unreachable = unreachable


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


def _connect_failure(host: str, exc: BaseException) -> str:
    """What a failed connection to ``host`` means, in words: a DNS failure (usually: no network) or the cause."""
    seen, e = [], exc
    while e is not None and len(seen) < 10:
        seen.append(e)
        e = e.__cause__ or e.__context__
    if any(isinstance(e, socket.gaierror) for e in seen) or any(
        m in str(e) for e in seen for m in ("name resolution", "Name or service not known", "nodename nor servname")
    ):
        return f"cannot resolve {host} (DNS lookup failed: no network?): {exc}"
    return f"cannot connect to {host} (network down or host unreachable?): {type(exc).__name__}: {exc}"


def _cut(sock) -> None:
    """Shut a socket down from another thread: a read blocked on it returns at once."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class LiveFetcher(Fetcher):
    """Fetches a source's live URLs over HTTP with httpx, politely (see :class:`PolitePolicy`).

    Only hosts in ``source.hosts`` are ever requested, redirects included (anything else raises
    :class:`FetchError`). Requests are conditional when ``validators`` for the URL are given: an unchanged page
    answers 304 and comes back as a :class:`FetchResult` with ``status=304`` and an empty body (the caller
    reuses the stored snapshot). Only today's UTC day can be fetched live.
    Every request has a wall-clock deadline and every call a source deadline (:class:`PolitePolicy`). A host
    that cannot be reached (no network, DNS failure) is said so once; later URLs of that host in the same
    fetcher fail at once, pointing to that first error. Raises FetchError (naming URL and cause) when a URL
    cannot be fetched after the retries.
    """

    mode = "live"

    def __init__(self, policy: PolitePolicy | None = None, sleep=time.sleep):
        self.policy = policy or PolitePolicy()
        self._sleep = sleep
        self._robots: dict[str, tuple[Protego | None, str | None]] = {}  # base -> (rules, why all is disallowed)
        self._unreachable: dict[str, str] = {}  # host -> the error that said so
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
        fetch old captures of a page), all of them within ``policy.source_deadline_s``. Raises FetchError."""
        headers = {"User-Agent": self.policy.user_agent, "Accept-Encoding": "gzip, deflate"}
        deadline = time.monotonic() + self.policy.source_deadline_s
        out = []
        # no keep-alive: each request has its own connection, which its deadline can cut (see _download)
        limits = httpx.Limits(max_keepalive_connections=0)
        with httpx.Client(timeout=self.policy.timeout_s, headers=headers, follow_redirects=False, limits=limits) as client:
            for url in urls:
                out.append(self._get(client, source, url, (validators or {}).get(url), deadline))
        return out

    # -- politeness -------------------------------------------------------------------------------------
    def _check_host(self, source: Source, url: str, asked: str) -> str:
        host = urlsplit(url).hostname or ""
        if host not in source.hosts:
            raise FetchError(f"{asked}: refusing to fetch {url!r}: host {host!r} not in {source.hosts}")
        if host in self._unreachable:
            raise FetchError(f"{asked}: not fetched: {host} was unreachable earlier in this run (see that error)")
        return host

    def _wait_turn(self, host: str, delay: float) -> None:
        last = self._last_request.get(host)
        if last is not None:
            gap = time.monotonic() - last
            if gap < delay:
                self._sleep(delay - gap)
        self._last_request[host] = time.monotonic()

    def _robots_for(self, client: httpx.Client, url: str, deadline: float) -> tuple[Protego | None, str | None]:
        """(rules, None), (None, None) when the site has no robots.txt, or (disallow-all, why) when it answered
        with a server error (RFC 9309 2.3.1.4). A robots.txt that cannot be fetched at all (no network, DNS
        failure, timeout, deadline) raises FetchError saying so and marks the host unreachable: that is not a
        "disallow"."""
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        if base not in self._robots:
            host = parts.hostname or ""
            robots_url = f"{base}/robots.txt"
            try:
                status, _, _, body = self._download(client, robots_url, {}, deadline, self.policy.max_robots_bytes,
                                                    truncate=True)
            except _Retryable as exc:
                message = f"{robots_url}: {exc}; nothing fetched from {host}"
                self._unreachable[host] = message
                raise FetchError(message) from exc
            if status >= 500 or status == 429:
                self._robots[base] = (Protego.parse("User-agent: *\nDisallow: /\n"),
                                      f"{robots_url} answered HTTP {status}")
            elif status >= 400:
                self._robots[base] = (None, None)  # no robots.txt: everything allowed
            else:
                self._robots[base] = (Protego.parse(body.decode("utf-8", "replace")), None)
        return self._robots[base]

    # -- one URL ---------------------------------------------------------------------------------------
    def _get(self, client: httpx.Client, source: Source, url: str, validators: Validators | None,
             deadline: float) -> FetchResult:
        p = self.policy
        current = url
        for _ in range(p.max_redirects + 1):
            host = self._check_host(source, current, url)
            delay = p.min_delay_s
            if p.respect_robots:
                robots, why = self._robots_for(client, current, deadline)
                if robots is not None:
                    if not robots.can_fetch(current, p.user_agent):
                        if why:
                            raise FetchError(f"{current}: not fetched: {why}, and a robots.txt that cannot be read "
                                             "disallows the whole site (RFC 9309 2.3.1.4)")
                        raise FetchError(f"{current}: disallowed by robots.txt for {p.user_agent!r}")
                    delay = max(delay, robots.crawl_delay(p.user_agent) or 0)
            lock = self._host_locks.setdefault(host, threading.Lock())
            with lock:
                resp_meta, body = self._get_with_retries(
                    client, current, validators if current == url else None, host, delay, deadline
                )
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

    def _get_with_retries(self, client, url, validators, host, delay, deadline):
        p = self.policy

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, _Retryable) and exc.retry_after is not None:
                if exc.retry_after > p.max_retry_after_s:
                    raise FetchError(f"{url}: server asks to retry after {exc.retry_after:.0f}s (> {p.max_retry_after_s:.0f}s)")
                pause = exc.retry_after
            else:
                pause = wait_random_exponential(multiplier=p.backoff_initial_s, max=p.backoff_max_s)(state)
            if time.monotonic() + max(pause, delay) >= deadline:
                raise FetchError(f"{url}: source deadline of {p.source_deadline_s:g}s reached after "
                                 f"{state.attempt_number} attempt(s): {exc}")
            return pause

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
                    return self._request(client, url, validators, deadline)
        except _Retryable as exc:
            if exc.unreachable:
                message = f"{url}: {exc} (gave up after {p.max_attempts} attempts)"
                self._unreachable[host] = message
                raise FetchError(message) from exc
            raise FetchError(f"{url}: gave up after {p.max_attempts} attempts: {exc}") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _request(self, client: httpx.Client, url: str, validators: Validators | None, deadline: float):
        headers = {}
        if validators and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        status, resp_headers, final, body = self._download(client, url, headers, deadline, self.policy.max_bytes)
        if status == 429 or status >= 500:
            raise _Retryable(f"HTTP {status}", _retry_after_seconds(resp_headers.get("retry-after")))
        if status >= 400:
            raise FetchError(f"{url}: HTTP {status}")
        return (status, resp_headers, final), body

    def _download(self, client: httpx.Client, url: str, headers: dict, deadline: float, max_bytes: int,
                  truncate: bool = False) -> tuple[int, httpx.Headers, str, bytes]:
        """One GET: (status, headers, final URL, body); the body is read for 2xx answers only, at most
        ``max_bytes`` after decompression (``truncate``: keep the first ``max_bytes``; else FetchError).

        Wall clock: the request ends by ``min(deadline, now + request_deadline_s)`` whatever the server does.
        httpx's timeout is per read, so a timer shuts the request's socket down at that moment (the socket
        comes from httpcore's ``trace`` extension when the connection opens), which ends a read blocked on a
        trickling server at once. Raises :class:`_Retryable` on timeouts, the deadline and network errors
        (``unreachable`` when no connection could be made), FetchError on an oversized or undecodable body."""
        p = self.policy
        start = time.monotonic()
        until = min(deadline, start + p.request_deadline_s)
        limit = until - start
        if limit <= 0:
            raise FetchError(f"{url}: not requested: source deadline of {p.source_deadline_s:g}s reached")
        sockets: list = []
        expired = threading.Event()

        def cut() -> None:
            expired.set()
            for sock in sockets:
                _cut(sock)

        def trace(event: str, info: dict) -> None:
            if event == "connection.connect_tcp.complete":
                sock = info["return_value"].get_extra_info("socket")
                sockets.append(sock)
                if expired.is_set():
                    _cut(sock)

        def late() -> _Retryable:
            return _Retryable(f"no complete answer within the {limit:.0f}s deadline "
                              f"(request_deadline_s={p.request_deadline_s:g}, source_deadline_s={p.source_deadline_s:g})")

        timer = threading.Timer(limit, cut)
        timer.daemon = True
        timer.start()
        try:
            with client.stream("GET", url, headers=headers, timeout=min(p.timeout_s, limit),
                               extensions={"trace": trace}) as resp:
                if not 200 <= resp.status_code < 300:
                    return resp.status_code, resp.headers, str(resp.url), b""
                declared = resp.headers.get("content-length")
                if not truncate and declared and declared.isdigit() and int(declared) > max_bytes:
                    raise FetchError(f"{url}: body of {int(declared):,} bytes exceeds the limit of {max_bytes:,}")
                chunks, size = [], 0
                for chunk in resp.iter_bytes():  # decompressed bytes
                    if expired.is_set():
                        raise late()
                    size += len(chunk)
                    if size > max_bytes:
                        if truncate:
                            chunks.append(chunk[: len(chunk) - (size - max_bytes)])
                            break
                        raise FetchError(f"{url}: body exceeds the limit of {max_bytes:,} bytes (after decompression)")
                    chunks.append(chunk)
                if expired.is_set():
                    raise late()
                return resp.status_code, resp.headers, str(resp.url), b"".join(chunks)
        except httpx.DecodingError as exc:
            raise FetchError(f"{url}: body cannot be decoded "
                             f"(Content-Encoding {resp.headers.get('content-encoding')!r}): {exc}") from exc
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            if expired.is_set():
                raise late() from exc
            raise _Retryable(_connect_failure(urlsplit(url).hostname or "", exc), unreachable=True) from exc
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            if expired.is_set():
                raise late() from exc
            raise _Retryable(f"{type(exc).__name__}: {exc}") from exc
        finally:
            timer.cancel()


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
