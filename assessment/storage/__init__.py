"""Storage: the database schema, its migrations, and the one place that opens the database."""
