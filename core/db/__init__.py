"""Database: declarative base, portable column types, engine and sessions."""
