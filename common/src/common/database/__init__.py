"""The platform's Postgres backend (``ENGINE: "common.database"``): see ``base``."""
