"""The JSON API under /api/v1: shared response shapes and error format."""
