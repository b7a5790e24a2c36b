"""The REST API (FastAPI) over the shared Newsdesk: ``api.app.create_api``."""
