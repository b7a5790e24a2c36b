"""The Claims tab: paste a claim or a quote, see the verdict and the passages that show it.

Its layout and handler live here and its HTML in ``ui/claim_render.py`` (``ui/layout.py``
only places the tab). It checks against the collection picked above the tabs, for the
event's caller (:mod:`ui.access`), as the chat asks. Errors are warnings that say what is
wrong.
"""

from __future__ import annotations

import gradio as gr

from rag.contract import ClaimQuery
from rag.errors import NewsdeskError
from services.export import claim_markdown
from services.gate import SharedDesk
from ui.access import UIAccess
from ui.claim_render import claim_html

KINDS = ("Claim", "Quote")
EXAMPLES = [
    ["Quote", "Peskov said: “The Americans need rare earth metals. We have a lot of them.”", ""],
    ["Quote", "The Americans need rare earth metals. We have a lot of them.", "Zelensky"],
    ["Claim", "In August, Beijing announced that it extracted 270,000 tons of rare earths.", ""],
]


def claims_tab(shared: SharedDesk, collection: gr.Dropdown) -> None:
    """The tab's components and events (inside a ``gr.Tab``)."""
    with gr.Row():
        kind = gr.Radio(list(KINDS), value="Claim", label="Check", elem_id="nd-claim-kind")
        speaker = gr.Textbox(label="Speaker (quotes, optional)", elem_id="nd-claim-speaker")
    text = gr.Textbox(
        label="Claim or quote", lines=3, elem_id="nd-claim-text",
        placeholder="e.g. Peskov said: “The Americans need rare earth metals.”",
    )  # fmt: skip
    check = gr.Button("Check", variant="primary", elem_id="nd-claim-check")
    gr.Examples(EXAMPLES, inputs=[kind, text, speaker], label="Examples")
    result = gr.HTML(elem_id="nd-claim-result")
    exported = gr.Textbox(
        label="The check with its sources (Markdown)", lines=6, buttons=["copy"],
        elem_id="nd-claim-export", interactive=False,
    )  # fmt: skip
    run = ClaimHandler(shared)
    inputs = [kind, text, speaker, collection]
    check.click(run.check, inputs, [result, exported])
    text.submit(run.check, inputs, [result, exported])


class ClaimHandler:
    """The Check button: the desk's check, or a warning that says what is wrong."""

    def __init__(self, shared: SharedDesk) -> None:
        self.shared = shared
        self.access = UIAccess(shared)

    def check(
        self, kind: str, text: str, speaker: str, collection: str | None = None,
        request: gr.Request | None = None,
    ) -> tuple[str, str]:  # fmt: skip
        """The check in the picked collection, if this event's caller may read it."""
        if not (text or "").strip():
            gr.Warning("Paste a claim or a quote first.")
            return "", ""
        quote = kind == "Quote"
        try:
            names = self.access.who(request).reading([collection] if collection else [])
            query = ClaimQuery(claim="" if quote else text, quote=text if quote else "",
                               speaker=(speaker or "") if quote else "",
                               collections=names)  # fmt: skip
            with self.shared.use() as desk:
                found = desk.check_claim(query)
        except NewsdeskError as exc:
            gr.Warning(str(exc))
            return "", ""
        return claim_html(found), claim_markdown(found)
