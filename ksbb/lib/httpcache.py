"""Payloads built once per data version, kept gzipped in the Django cache, served with HTTP
validators (ETag, Last-Modified, 304) and the Cache-Control each kind of data deserves.

A data version is a token per topic ("areas", "recipients", "needs", "cases") kept in the
shared cache (Redis in production), so a change saved by any process makes every process
rebuild. `bump()` is called by the signal handlers in recipients/signals.py, and must be called
by code that changes rows with QuerySet.update() or bulk_create(), which send no signals.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import tempfile
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from threading import Lock
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

VERSION_KEY = "ksbb:dataversion:{}"
PAYLOAD_KEY = "ksbb:payload:{}:{}"
# Payload entries outlive their version only as a safety net for changes made without bump().
PAYLOAD_TIMEOUT = 24 * 3600
T = TypeVar("T")
ACCEPTS_GZIP = re.compile(r"\bgzip\b(?!\s*;\s*q=0(\.0*)?\b)")


def _new_token() -> str:
    # The time is part of the token so Last-Modified can be derived from it.
    return f"{time.time():.6f}-{uuid.uuid4().hex[:8]}"


def bump(*topics: str) -> None:
    """Mark topics as changed now and again when the current transaction commits.

    The second bump closes the race where another process rebuilds from the old rows between
    the first bump and the commit, and caches them under the new version.
    """
    for topic in topics:
        cache.set(VERSION_KEY.format(topic), _new_token(), None)
    transaction.on_commit(
        lambda: cache.set_many({VERSION_KEY.format(t): _new_token() for t in topics}, None)
    )


def versions(topics: Iterable[str]) -> dict[str, str]:
    """The current token of each topic (one cache round trip; missing ones are created)."""
    keys = {topic: VERSION_KEY.format(topic) for topic in topics}
    found = cache.get_many(keys.values())
    out = {}
    for topic, key in keys.items():
        token = found.get(key)
        if token is None:
            cache.add(key, _new_token(), None)
            token = cache.get(key) or _new_token()
        out[topic] = token
    return out


def version_tag(tokens: dict[str, str]) -> str:
    """A short tag of a set of versions, e.g. for a ?v= that makes a URL immutable."""
    joined = "|".join(f"{k}={tokens[k]}" for k in sorted(tokens))
    return hashlib.sha1(joined.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Payload:
    body: bytes
    gzipped: bytes
    etag: str
    last_modified: float
    content_type: str
    # A hash of the body: the name of the published file and the ?v= of its immutable URL.
    digest: str = ""


def make_payload(body: bytes, content_type: str, last_modified: float) -> Payload:
    # mtime=0 keeps the gzip bytes identical across processes for the same body.
    return Payload(
        body=body,
        gzipped=gzip.compress(body, compresslevel=9, mtime=0),
        etag=f'W/"{hashlib.sha1(body).hexdigest()[:20]}"',
        last_modified=last_modified,
        content_type=content_type,
        digest=hashlib.sha256(body).hexdigest()[:16],
    )


def _write_atomically(path: Path, data: bytes, mtime: float) -> None:
    # Write beside the target and rename: nginx never serves a half-written file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)
        os.utime(tmp, (mtime, mtime))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def publish(root: Path, name: str, suffix: str, payload: Payload) -> Path:
    """Write `<name>.<digest><suffix>` and its `.gz` twin under `root` (idempotent).

    The content hash is in the name, so a file never changes once written: a web server may
    serve it with a one-year immutable Cache-Control and `gzip_static` from the `.gz`.
    """
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"{name}.{payload.digest}{suffix}"
    gz_path = path.with_name(path.name + ".gz")
    # Same mtime on both: nginx's ETag (mtime + size) then follows the data, not the writer.
    mtime = int(payload.last_modified)
    if not path.exists():
        _write_atomically(path, payload.body, mtime)
    if not gz_path.exists():
        _write_atomically(gz_path, payload.gzipped, mtime)
    return path


def prune(root: Path, name: str, suffix: str, keep: Iterable[Path], older_than: float) -> list:
    """Delete published files of `name` other than `keep` last written before `older_than`
    (a timestamp): pages rendered a while ago may still link the previous files."""
    kept = {p.name for p in keep} | {p.name + ".gz" for p in keep}
    removed = []
    for path in root.glob(f"{name}.*{suffix}*"):
        if path.name not in kept and path.stat().st_mtime < older_than:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


class _Memo:
    """A small per-process LRU of payloads, so a warm process skips even the cache fetch."""

    def __init__(self, size: int = 32):
        self.size = size
        self.items: OrderedDict[str, Any] = OrderedDict()
        self.lock = Lock()

    def get(self, key: str) -> Any:
        with self.lock:
            payload = self.items.get(key)
            if payload is not None:
                self.items.move_to_end(key)
            return payload

    def put(self, key: str, payload: Any) -> None:
        with self.lock:
            self.items[key] = payload
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


memo = _Memo()


def get_payload(
    name: str,
    topics: Iterable[str],
    build: Callable[[], bytes],
    content_type: str,
    *,
    timeout: int = PAYLOAD_TIMEOUT,
    store: bool = True,
) -> tuple[Payload, str]:
    """The payload `name` for the current data versions, built by `build()` only when missing.

    Returns the payload and the version tag. `name` must identify the parameters of `build`.
    With store=False it is built every time and kept nowhere (for parameters anyone can vary
    freely, such as a search string, which would otherwise fill the cache).
    """
    tokens = versions(topics)
    tag = version_tag(tokens)
    last_modified = max(float(t.split("-")[0]) for t in tokens.values())
    if not store:
        return make_payload(build(), content_type, last_modified), tag
    key = PAYLOAD_KEY.format(name, tag)
    payload = memo.get(key)
    if payload is None:
        payload = cache.get(key)
        if payload is None:
            payload = make_payload(build(), content_type, last_modified)
            cache.set(key, payload, timeout)
        memo.put(key, payload)
    return payload, tag


def get_value(name: str, topics: Iterable[str], build: Callable[[], T]) -> T:
    """Any picklable value derived from the data, built once per data version (e.g. the
    area index behind the filter form)."""
    key = PAYLOAD_KEY.format(name, version_tag(versions(topics)))
    value = memo.get(key)
    if value is None:
        value = cache.get(key)
        if value is None:
            value = build()
            cache.set(key, value, PAYLOAD_TIMEOUT)
        memo.put(key, value)
    return value


def serve(
    request: HttpRequest,
    payload: Payload,
    *,
    max_age: int,
    immutable: bool = False,
    filename: str = "",
) -> HttpResponse:
    """The payload as a response: 304 when the client has it, gzip when the client takes it."""
    cache_control = f"public, max-age={max_age}" + (", immutable" if immutable else "")
    not_modified = get_conditional_response(
        request, etag=payload.etag, last_modified=int(payload.last_modified)
    )
    if not_modified is not None:
        response = not_modified
    else:
        use_gzip = bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))
        response = HttpResponse(
            payload.gzipped if use_gzip else payload.body, content_type=payload.content_type
        )
        if use_gzip:
            response["Content-Encoding"] = "gzip"
        if filename:
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Content-Length"] = str(len(response.content))
    response["ETag"] = payload.etag
    response["Last-Modified"] = http_date(int(payload.last_modified))
    response["Cache-Control"] = cache_control
    response["Vary"] = "Accept-Encoding"
    response["Access-Control-Allow-Origin"] = "*"  # open data: other tools may fetch it
    return response
