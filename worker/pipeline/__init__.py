"""From a stored article to its stored results: dispatch, hand-off, one article's processing.

``dispatch`` is the interface every sender uses (queue or in-process), ``handoff`` sends
committed articles through it, ``processor`` is the whole logic of the extraction task. May
import the extractor, the store and the pure core; never Celery, the intake or the runtime.
"""
