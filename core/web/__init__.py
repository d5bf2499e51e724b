"""Server-rendered pages: templating, theme loading, shared page helpers."""
