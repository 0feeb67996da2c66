"""Create the PostgreSQL database named by DATABASE_URL if it does not exist (for make bench)."""

import os
import sys

import dj_database_url
import psycopg
from psycopg import sql


def main() -> None:
    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    if config["ENGINE"] != "django.db.backends.postgresql":
        return
    params = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
    }
    try:
        with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **params) as db:
            exists = db.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
            ).fetchone()
            if not exists:
                db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
                print(f"created database {config['NAME']}")
    except psycopg.OperationalError as error:
        sys.exit(f"make bench needs PostgreSQL at {os.environ['DATABASE_URL']}: {error}")


if __name__ == "__main__":
    main()
