"""ActivityPub federation (WebFinger, NodeInfo, actors, signatures, inbox, delivery).

Registers no hooks yet: federation is built on the core's lifecycle, decision and
transform hooks in its own issue.
"""
