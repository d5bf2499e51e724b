"""bovine-herd (third-party, PyPI) as an ActivityPub peer: its database comes from BOVINE_DB_URL."""

import os

from bovine_herd import BovineHerd
from quart import Quart

app = Quart(__name__)
BovineHerd(app, db_url=os.environ["BOVINE_DB_URL"])
