"""Learned extraction: the labelled corpus, its fixed validation split, models trained on it.

Pure like ``worker.extract``: no I/O framework is imported here. The models are small linear
classifiers whose weights are stored as plain arrays and JSON (never pickles), trained by
``commitwatch train`` from labels in the ``evaluate`` format.
"""
