"""Floors: the least a request can cost under the same server, to read the app's cost against."""
