"""A corpus no one here wrote: feedparser's own test files (about 2,000: ill-formed,
well-formed, encodings, compression), fetched over local HTTP and parsed by our code.

Every file must either parse or be rejected with one of the project's documented errors,
within the fetch deadline: none may crash or hang. The figures are written to
``.cache/feedparser-corpus.json`` and printed for the team's notes.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tarfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, TimeoutError
from importlib.metadata import version
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.conftest import ROOT, unavailable
from worker.errors import CommitwatchError
from worker.feeds.fetch import Fetcher, FetchSettings
from worker.feeds.parse import parse_feed

pytestmark = pytest.mark.slow

CACHE = ROOT / ".cache" / "feedparser-sdist"
FIGURES = ROOT / ".cache" / "feedparser-corpus.json"
FEED_SUFFIXES = {".xml", ".rdf", ".rss", ".atom", ".gz", ".z", ".zz"}
ENCODINGS = {".gz": "gzip", ".z": "deflate", ".zz": "deflate"}
PER_FILE_SECONDS = 30  # a file that takes longer than this counts as a hang


def feedparser_corpus() -> dict[str, bytes]:
    """feedparser's test files from its source distribution, downloaded once and cached."""
    release = version("feedparser")
    archive = CACHE / f"feedparser-{release}.tar.gz"
    if not archive.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-binary",
                ":all:",
                "--no-deps",
                f"feedparser=={release}",
                "-d",
                str(CACHE),
            ],
            capture_output=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0 or not archive.exists():
            unavailable(
                f"could not download the feedparser {release} sdist: {done.stderr[-300:]!r}"
            )
    files = {}
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            path = Path(member.name)
            if member.isfile() and "tests" in path.parts and path.suffix.lower() in FEED_SUFFIXES:
                handle = tar.extractfile(member)
                if handle is not None:
                    files["/" + "/".join(path.parts[path.parts.index("tests") :])] = handle.read()
    return files


def serve(files: dict[str, bytes]) -> object:
    def handle(request: Request) -> Response:
        body = files[request.path]
        headers = {"Content-Type": "application/xml"}
        if coding := ENCODINGS.get(Path(request.path).suffix.lower()):
            headers["Content-Encoding"] = coding
        return Response(body, headers=headers)

    return handle


def fetch_and_parse(fetcher: Fetcher, url: str) -> str:
    """'parsed', or the name of the documented error that rejected the file."""
    try:
        result = fetcher.fetch(url)
        parse_feed(result.body, content_type=result.content_type, base_url=result.url)
    except CommitwatchError as exc:
        return type(exc).__name__
    return "parsed"


def test_feedparser_corpus_parses_or_rejects_every_file_cleanly(httpserver: HTTPServer) -> None:
    files = feedparser_corpus()
    assert len(files) > 1500
    httpserver.expect_request(re.compile(r"^/tests/.*")).respond_with_handler(serve(files))
    outcomes: Counter[str] = Counter()
    crashed: dict[str, str] = {}
    hung: list[str] = []
    settings = FetchSettings(allow_private_networks=True, deadline=10, read_timeout=5)
    with Fetcher(settings) as fetcher, ThreadPoolExecutor(8) as pool:
        futures = {
            path: pool.submit(fetch_and_parse, fetcher, httpserver.url_for(path)) for path in files
        }
        for path, future in futures.items():
            try:
                outcomes[future.result(timeout=PER_FILE_SECONDS)] += 1
            except TimeoutError:
                hung.append(path)
            except Exception as exc:  # anything but our documented errors is a crash
                crashed[path] = f"{type(exc).__name__}: {exc}"

    figures = {
        "files": len(files),
        "outcomes": dict(outcomes.most_common()),
        "crashed": crashed,
        "hung": hung,
        "feedparser": version("feedparser"),
    }
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    FIGURES.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print("\nfeedparser corpus:", json.dumps(figures))
    assert crashed == {}
    assert hung == []
    assert outcomes["parsed"] > len(files) * 0.8  # rejection stays the exception
