"""Bulk import of mutuals, mentors and ambassadors from CSV: read and check a file (reading.py), then apply it in
one transaction (applying.py). The upload page and `manage.py import_records` both use these."""
