"""Who is using the UI, resolved for every event as REST resolves every request.

With named keys (``server.keys_file``) the UI asks for a key before anything else: gradio's
login page, the key's name as user name and the key as password. The key travels once, in
the body of that form's POST (never in a URL), and is not kept: the browser holds only
gradio's session cookie, and each event looks its user's key up by name, so a key revoked
meanwhile stops working at the next click. With ``server.api_key`` and ``protect_reads``
the same page takes any user name and that key (as before named keys); with
``server.api_key`` alone, reads are open and writes take the key from the password box.
"""

from __future__ import annotations

import gradio as gr

from rag.errors import AuthError
from services.gate import SharedDesk
from services.keys import API_KEY, Principal

LOGIN_NAMED = (
    "Newsdesk: log in with your key's name as user name and the key as password "
    "(`newsdesk keys add` printed it once)."
)
LOGIN_SINGLE = "Newsdesk: log in with any user name and the API key as password."
REVOKED = "Your key is no longer valid here (revoked?): reload the page and log in again."


class UIAccess:
    """The UI's login and the caller of each event."""

    def __init__(self, shared: SharedDesk) -> None:
        self.keys, self.server = shared.keys, shared.settings.server

    @property
    def login_needed(self) -> bool:
        return self.keys.named or bool(self.server.api_key and self.server.protect_reads)

    @property
    def login_message(self) -> str:
        return LOGIN_NAMED if self.keys.named else LOGIN_SINGLE

    @property
    def key_box(self) -> bool:
        """Is the password box for writes shown (server.api_key alone, reads open)?"""
        return bool(self.server.api_key) and not self.login_needed

    def login(self, user: str, key: str) -> bool:
        return self.keys.login(user.strip(), key)

    def who(self, request: gr.Request | None, key: str = "", *, write: bool = False) -> Principal:
        """The event's caller (AuthError / AccessError when it may not go on)."""
        user = getattr(request, "username", None) if request is not None else None
        if self.keys.named:
            found = self.keys.by_name(user) if user else None
            if found is None:
                raise AuthError(REVOKED)
            return found
        if self.login_needed and user:
            return API_KEY
        return self.keys.principal(key or None, write=write)
