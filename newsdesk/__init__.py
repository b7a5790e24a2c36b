"""Entry points: the ``newsdesk`` command line (``cli``) and the serving process that
composes the REST API and the chat UI (``server``)."""
