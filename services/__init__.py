"""The application layer that the CLI, the REST API and the UI share: settings (the whole
``config.yaml``), the desk built from them, the concurrency gate around it, ingestion of
uploaded bytes and posted records, API-key checks, and the ``eval`` command's metrics."""
