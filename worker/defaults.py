"""Every configurable default of the service, named, each with the reason for its value.

The one source: the settings models (``worker.config``) and the adapters' own defaults
(``FetchSettings``, ``SchedulePolicy``, ``HostLimiter``, ``parse_feed``) all read these.
Constants that no setting changes stay beside the code they tune, named and explained there.
"""

from __future__ import annotations

from typing import Final

# Embedded default: a SQLite file in the working directory needs no server at all.
DATABASE_URL = "sqlite:///commitwatch.db"
# The usual local Redis; the broker and the poller's keys live there in deployment.
REDIS_URL = "redis://localhost:6379/0"
# The config file read when none is named: the repository's own, relative to the working dir.
CONFIG_FILE = "config/commitwatch.toml"

# --- logging ---
# INFO: one line per feed check and per article, enough to follow the pipeline.
LOG_LEVEL = "INFO"
# "auto": JSON lines unless stderr is a terminal (collectors get JSON, people get text).
LOG_FORMAT: Final = "auto"

# --- fetching ---
# Good pollers use 15-45 s in all; 10 s to connect is generous for any live server.
CONNECT_TIMEOUT = 10.0
# 30 s of silence mid-response means the server is stuck.
READ_TIMEOUT = 30.0
# A whole fetch (all hops, whole body) gets one minute: a slow-drip server cannot hold a thread.
FETCH_DEADLINE = 60.0
# 16 MiB after decompression: Miniflux, TT-RSS and rss-bridge cap at 15-20 MiB.
MAX_BODY_BYTES = 16 * 1024 * 1024
# Five hops covers http->https->www->CDN chains; more is a loop or a trap.
MAX_REDIRECTS = 5
# Names the service and where publishers can read about it (replace the URL when deploying).
USER_AGENT = "commitwatch/0.1 (+https://github.com/commitwatch/commitwatch)"
# Two fetches per host at once: polite to publishers that host many feeds.
PER_HOST_CONCURRENCY = 2
# Summary-only entries (under 1,000 characters) get their page fetched: a feed summary is too
# short for the extractor to read a commitment with its actor and status.
FULL_TEXT = True
# Eight fetches in flight overall: fetching is I/O bound, and 8 threads keep 2 cores busy.
POLL_CONCURRENCY = 8

# --- scheduling ---
# Miniflux's bounds for the adaptive interval: never more often than 5 min, at least daily.
MIN_INTERVAL_SECONDS = 5 * 60
MAX_INTERVAL_SECONDS = 24 * 60 * 60
# Up to 20% added to every interval (NewsBlur adds up to 25%), so feeds added together do not
# stay in lock-step.
JITTER = 0.2
# A claimed feed is leased for 10 min, so a poller that dies mid-fetch frees it soon after.
POLL_LEASE_SECONDS = 10 * 60
# The daemon wakes at least this often to look for due feeds and stale articles.
POLL_IDLE_SECONDS = 30.0
# An article stored but not processed after 15 min is enqueued again (lost message, Redis down).
REQUEUE_AFTER_SECONDS = 15 * 60
# Cap on entries taken from one fetch: a runaway feed cannot flood the queue.
MAX_ENTRIES_PER_FETCH = 200

# --- queue ---
QUEUE_NAME = "commitwatch"
# Attempts per article before it is dead-lettered: enough for transient faults, bounded for poison.
MAX_ATTEMPTS = 5
# Retry backoff: 10 s doubling to at most 10 min, with full jitter.
RETRY_BACKOFF_SECONDS = 10
RETRY_BACKOFF_MAX_SECONDS = 10 * 60
# An article is small; 2 min of extraction means something is wrong. Hard limit 30 s later.
TASK_SOFT_TIME_LIMIT = 120
TASK_TIME_LIMIT = 150
# Redis redelivers unacked messages after this; it must exceed the time limit and the longest
# retry countdown, or a running or delayed task is delivered twice (celery #5935, kombu #337).
VISIBILITY_TIMEOUT = 2 * 60 * 60
# Seconds a stopping worker lets in-flight tasks finish before returning them to the queue.
SOFT_SHUTDOWN_SECONDS = 60.0
# Longest article text stored and extracted: about 40 pages; longer is almost always junk.
MAX_ARTICLE_CHARS = 200_000

# --- operations ---
# The metrics server listens on loopback unless told otherwise (docker-compose sets 0.0.0.0):
# the figures are not secret, but an open port should be a decision.
METRICS_HOST = "127.0.0.1"
# The OpenTelemetry Prometheus exporter's port: unused by the common exporters (9100 node,
# 9121 redis, 9187 postgres).
METRICS_PORT = 9464

# --- extraction ---
# The models trained on the labelled corpus over spaCy's entities; "rules" is the hand-written
# predecessor, "minimal" (no model) exists for fast pipeline tests.
EXTRACTOR = "learned"

# --- commitment events ---
# One stream for all commitment events; consumers read it with their own consumer groups.
EVENTS_STREAM = "commitwatch:commitments"
# Trim the stream (approximately) beyond this many events, so a forgotten stream cannot fill a
# noeviction Redis; about 2 KB each, 100,000 is ~200 MB. A consumer further behind misses events.
EVENTS_MAX_LENGTH = 100_000
# Events published per relay round trip.
EVENTS_PUBLISH_BATCH = 500
# Published outbox rows are kept this long (for inspection), then deleted.
OUTBOX_RETENTION_DAYS = 7.0

# --- webhooks ---
# A receiver that has not answered in 10 s is treated as down; the event is retried.
WEBHOOK_TIMEOUT_SECONDS = 10.0
# A receiver may be down for a while: 8 attempts from 2 s doubling (capped at 5 min, with
# jitter) span about 10 minutes before an event is set aside in the failure stream.
WEBHOOK_MAX_ATTEMPTS = 8
WEBHOOK_BACKOFF_SECONDS = 2.0
WEBHOOK_BACKOFF_MAX_SECONDS = 300.0
