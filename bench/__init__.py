"""Benchmarks: Newsdesk against the plain llama-index pipeline, on the shared eval data."""
