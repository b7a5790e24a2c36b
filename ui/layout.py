"""The chat UI (gradio), mounted at ``/`` of the REST app (by ``newsdesk.server``) so both
share one Newsdesk.

Tabs: Chat (answers stream in, source cards under each answer, filters, top-k, example
questions), Ingest (upload files or paste an article), Speakers, Claims (check a claim or
a quote: ``ui/claims_tab.py``) and Articles (list, delete).
"""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr
from fastapi import FastAPI

from ingest import upload_types
from services.gate import SharedDesk
from services.keys import key_matches
from ui.claims_tab import claims_tab
from ui.handlers import Handlers, chat_file, last_answer_markdown
from ui.render import CSS

EXAMPLES = [
    "What did Peskov say?",
    "How many tons of rare earths did China extract?",
    "What did Putin say about foreign partners?",
    "What did Zelensky say?",
]
INTRO = (
    "# Newsdesk\nAsk questions of the indexed news: every answer is made of cited, verbatim "
    "passages. Follow-ups work (“When did he say that?”). REST API: [/docs](/docs)."
)


def build_ui(shared: SharedDesk) -> gr.Blocks:
    """The gradio Blocks app over one shared Newsdesk."""
    on = Handlers(shared)
    blocks = gr.Blocks(title="Newsdesk", analytics_enabled=False)
    with blocks:
        gr.Markdown(INTRO)
        key = gr.Textbox(
            label="API key (needed to ingest or delete)",
            type="password",
            visible=bool(shared.settings.server.api_key),
        )
        with gr.Tab("Chat"):
            source, question = _chat_tab(on, shared.settings.retrieval.top_k,
                                         shared.settings.query.max_top_k)  # fmt: skip
        with gr.Tab("Ingest"):
            _ingest_tab(on, key, source)
        with gr.Tab("Speakers"):
            _speakers_tab(on, question)
        with gr.Tab("Claims"):
            claims_tab(shared)
        with gr.Tab("Articles"):
            table, choose, page = _articles_tab(on, key)
        blocks.load(on.publishers, outputs=[source]).then(on.articles, [page], [table, choose])
    return blocks


def _chat_tab(on: Handlers, top_k: int, max_top_k: int) -> tuple[gr.Dropdown, gr.Textbox]:
    turns = gr.State([])
    chatbot = gr.Chatbot(
        label="Newsdesk", height=560, latex_delimiters=[], elem_id="nd-chat",
        feedback_options=None, buttons=["copy"], placeholder="Ask about the news.",
    )  # fmt: skip
    with gr.Row():
        question = gr.Textbox(
            show_label=False, placeholder="e.g. What did Peskov say?", scale=6,
            elem_id="nd-question", autofocus=True,
        )  # fmt: skip
        ask = gr.Button("Ask", variant="primary", scale=1, elem_id="nd-ask")
    with gr.Accordion("Filters and passages", open=False), gr.Row():
        source = gr.Dropdown([""], value="", label="Publisher (empty: all)",
                             allow_custom_value=True)  # fmt: skip
        after = gr.Textbox(label="Published on/after", placeholder="YYYY-MM-DD")
        before = gr.Textbox(label="Published on/before", placeholder="YYYY-MM-DD")
        k = gr.Slider(1, max_top_k, value=top_k, step=1, label="Passages to retrieve (top-k)")
    gr.Examples(EXAMPLES, inputs=[question], label="Examples")
    with gr.Row():
        new = gr.Button("New conversation", size="sm")
        copy = gr.Button("Copy with sources", size="sm", elem_id="nd-copy")
        export = gr.Button("Export chat (Markdown)", size="sm", elem_id="nd-export-chat")
    exported = gr.Textbox(
        label="Last answer with its sources (Markdown)", lines=6, buttons=["copy"],
        elem_id="nd-export", interactive=False,
    )  # fmt: skip
    download = gr.File(label="Chat as Markdown", elem_id="nd-export-file")
    copy.click(last_answer_markdown, [turns], [exported]).then(
        None,
        [exported],
        None,
        js="(md) => { try { navigator.clipboard.writeText(md) } catch (e) {} }",
    )
    export.click(chat_file, [turns], [download])
    inputs = [question, turns, source, after, before, k]
    outputs = [chatbot, turns, question]
    question.submit(on.respond, inputs, outputs)
    ask.click(on.respond, inputs, outputs)
    new.click(lambda: ([], [], ""), outputs=outputs)
    return source, question


def _speakers_tab(on: Handlers, question: gr.Textbox) -> None:
    """Who is quoted; choosing one puts "What did X say?" in the chat's question box."""
    with gr.Row():
        publisher = gr.Textbox(label="Publisher (empty: all)", elem_id="nd-speakers-source")
        show = gr.Button("List speakers", elem_id="nd-speakers-list")
    table = gr.HTML(elem_id="nd-speakers")
    with gr.Row():
        choose = gr.Dropdown([], label="Speaker", allow_custom_value=True, elem_id="nd-speaker")
        ask = gr.Button("Ask what they said (Chat tab)", elem_id="nd-speaker-ask")
    show.click(on.speakers, [publisher], [table, choose])
    ask.click(speaker_question, [choose], [question])


def speaker_question(name: str | None) -> str:
    return f"What did {name} say?" if name else ""


def _ingest_tab(on: Handlers, key: gr.Textbox, source: gr.Dropdown) -> None:
    files = gr.File(
        label="Files", file_count="multiple", file_types=list(upload_types()), elem_id="nd-files"
    )
    send_files = gr.Button("Ingest files", variant="primary", elem_id="nd-ingest-files")
    with gr.Row():
        page_url = gr.Textbox(
            label="Or a web page", placeholder="https://...", elem_id="nd-page-url", scale=4
        )
        fetch = gr.Button("Fetch and ingest", elem_id="nd-ingest-url", scale=1)
    with gr.Accordion("Or paste an article", open=True):
        with gr.Row():
            title = gr.Textbox(label="Title", elem_id="nd-title")
            publisher = gr.Textbox(label="Publisher", elem_id="nd-publisher")
            published = gr.Textbox(label="Published", placeholder="YYYY-MM-DD", elem_id="nd-date")
        with gr.Row():
            url = gr.Textbox(label="URL", elem_id="nd-url")
            authors = gr.Textbox(
                label="Authors", placeholder="comma separated", elem_id="nd-authors"
            )
        text = gr.Textbox(label="Article text", lines=10, elem_id="nd-text")
        send_text = gr.Button("Ingest article", variant="primary", elem_id="nd-ingest-text")
    result = gr.HTML(elem_id="nd-ingest-result")
    send_files.click(on.ingest_files, [files, key], [result]).then(on.publishers, None, [source])
    fetch.click(on.ingest_url, [page_url, key], [result]).then(on.publishers, None, [source])
    fields = [title, publisher, published, url, authors, text, key]
    send_text.click(on.ingest_text, fields, [result]).then(on.publishers, None, [source])


def _articles_tab(on: Handlers, key: gr.Textbox) -> tuple[gr.HTML, gr.Dropdown, gr.Number]:
    with gr.Row():
        page = gr.Number(1, label="Page", precision=0, minimum=1)
        refresh = gr.Button("Refresh", elem_id="nd-refresh")
    table = gr.HTML(elem_id="nd-articles")
    with gr.Row():
        choose = gr.Dropdown(
            [], label="Article to delete", allow_custom_value=True, elem_id="nd-delete-choice"
        )
        delete = gr.Button("Delete", variant="stop", elem_id="nd-delete")
    status = gr.HTML()
    refresh.click(on.articles, [page], [table, choose])
    page.submit(on.articles, [page], [table, choose])
    delete.click(on.delete, [choose, key], [status]).then(on.articles, [page], [table, choose])
    return table, choose, page


def mount_ui(app: FastAPI, shared: SharedDesk) -> FastAPI:
    """Mount the UI at ``/``; with ``protect_reads`` the whole UI asks for the API key."""
    server = shared.settings.server
    api_key = server.api_key

    def login(_user: str, password: str) -> bool:
        return bool(api_key) and key_matches(password, api_key or "")

    mounted: FastAPI = gr.mount_gradio_app(
        app,
        build_ui(shared),
        path="/",
        server_name=server.host,
        server_port=server.port,
        footer_links=[],
        run_history=False,
        auth=login if api_key and server.protect_reads else None,
        auth_message="Newsdesk: log in with any user name and the API key as password.",
        show_error=True,
        max_file_size=server.max_upload_bytes,
        ssr_mode=False,
        css=CSS,
        theme=gr.themes.Default(),
    )
    return mounted
