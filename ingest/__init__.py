"""Ingest: read department submissions in the template format into the warehouse's raw tables."""
