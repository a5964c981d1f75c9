"""Commitment events out: the outbox relay, the event stream's consumers, and output sinks.

``relay`` publishes committed outbox rows to the Redis Stream (the one place events leave
the database); every other way out is a sink that reads the stream through its own consumer
group (``consumer``), so a slow or broken receiver holds back only itself. ``webhooks`` is the
first such sink. May import the store (the outbox), the message contracts and the bottom
modules; never the queue, the intake, the pipeline or the runtime, and the store never
imports this package.
"""
