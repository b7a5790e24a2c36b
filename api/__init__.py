"""The REST API (FastAPI) over ``rag.pipeline.Newsdesk``; ``create_app`` also mounts the UI."""
