"""One file per revision, numbered in the order they apply."""
