"""The fixtures every federation test may ask for by name.

They are written in modules of their own (loopback servers and keys, a fake remote
actor and a federating instance, the Fedify peer) so that a module can also import
their plain helpers; gathering them here spares each test module a block of imports
kept only for pytest to see.
"""

from __future__ import annotations

from fedify_peer import fedify
from peer_fixtures import instance, mallory
from security_fixtures import actor_key, local_server, other_key, other_server

__all__ = ["actor_key", "fedify", "instance", "local_server", "mallory", "other_key", "other_server"]
