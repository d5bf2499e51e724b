"""Groups: members, group events, discussions, resources. Registers no hooks yet."""
