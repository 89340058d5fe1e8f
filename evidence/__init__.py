"""The evidence vault: storing, hashing, verifying and serving evidence files (to come)."""
