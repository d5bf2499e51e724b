"""Built-in plugins. Each is switched on or off per instance in ``[plugins] enabled``."""
