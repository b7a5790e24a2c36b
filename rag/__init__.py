"""Newsdesk core: cleaning, chunking, embedding, storing, retrieving and answering.

Nothing in this package knows about HTTP, gradio, the command line or the server's
settings (``make lint`` enforces it with import-linter). Its rooms, each with a small
public surface: ``text``, ``embedding``, ``search``, ``quotes``, ``answering`` and
``desk`` (the :class:`~rag.desk.Newsdesk` facade and :func:`~rag.desk.build`); the types
every layer shares are in ``contract``. ARCHITECTURE.md has the map.
"""
