"""The ASGI application for uvicorn (``core.asgi:app``), built from convene.toml and the environment."""

from core.app import create_app
from core.settings import load_settings

app = create_app(load_settings())
