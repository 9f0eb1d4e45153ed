from store.dbfixtures import database, database_url, fresh_url, pg_url

__all__ = ["database", "database_url", "fresh_url", "pg_url"]
