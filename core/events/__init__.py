"""Events and participation in them."""
