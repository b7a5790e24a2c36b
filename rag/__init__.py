"""Newsdesk core: cleaning, chunking, embedding, storing, retrieving and answering.

Nothing in this package knows about HTTP, gradio or the command line; those are thin
layers (``api``, ``ui``, ``rag.cli``) over :class:`rag.pipeline.Newsdesk`.
"""
