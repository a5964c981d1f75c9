"""Articles in: the poller (feeds → stored articles) and submissions from other systems.

Both store an article once, then hand its id to a ``Dispatch``. May import the feed core
(``worker.feeds``), the pipeline's hand-off, the store and the pure core; never the queue,
the outbound side or the runtime.
"""
