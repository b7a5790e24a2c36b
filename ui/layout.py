"""The chat UI (gradio), mounted at ``/`` of the REST app (by ``newsdesk.server``) so both
share one Newsdesk.

Six tabs: Chat (the source cards as soon as retrieval ends, then the answer streams in;
filters, top-k, example questions that ask when clicked; thumbs and reasons under each
answer are stored as feedback), Ingest (upload files, a page by URL, or paste an
article), Speakers (who is quoted; ask about one; a speaker's page: quotes per week and
every quote by date, :mod:`ui.speaker_page`), Claims (check a claim or a quote:
:mod:`ui.claims_tab`), Following (followed questions and what new
articles answered, :mod:`ui.follow_tab`) and Articles (list, delete). A source card, a
speaker's quote or a followed passage opens its article in a viewer panel
(:mod:`ui.viewer`). The collection picker above them offers the collections the user's
key may see; every tab acts on the one picked (the chat may search more: "Also search").
With named keys the UI asks for a key before anything else (:mod:`ui.access`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr
from fastapi import FastAPI

from ingest import upload_types
from services.gate import SharedDesk
from ui.access import UIAccess
from ui.chat import FEEDBACK_OPTIONS, Chat, chat_file, last_answer_markdown
from ui.claims_tab import claims_tab
from ui.follow_tab import FollowHandlers
from ui.handlers import Handlers
from ui.render import CSS
from ui.speaker_page import CSS as TIMELINE_CSS
from ui.viewer import VIEWER_JS

EXAMPLES = [
    "What did Peskov say?",
    "How many tons of rare earths did China extract?",
    "What did Putin say about foreign partners?",
    "What did Zelensky say?",
]
INTRO = (
    "# Newsdesk\nAsk questions of the indexed news: every answer is made of cited, verbatim "
    "passages; click a source to read it in its article. Follow-ups work (“When did he say "
    "that?”). REST API: [/docs](/docs)."
)


@dataclass(frozen=True)
class Asking:
    """What starts an answer: the question box, and respond's inputs and outputs."""

    question: gr.Textbox
    inputs: list[gr.components.Component]
    outputs: list[gr.components.Component]


def build_ui(shared: SharedDesk) -> gr.Blocks:
    """The gradio Blocks app over one shared Newsdesk."""
    on, chat, follow = Handlers(shared), Chat(shared), FollowHandlers(shared)
    blocks = gr.Blocks(title="Newsdesk", analytics_enabled=False)
    with blocks:
        gr.Markdown(INTRO)
        with gr.Row(equal_height=True):
            collection = gr.Dropdown(
                [], label="Collection", elem_id="nd-collection", scale=1,
                info="The archive each tab works on: those your key may see.",
            )  # fmt: skip
            key = gr.Textbox(
                label="API key (needed to ingest or delete)", type="password", scale=2,
                visible=UIAccess(shared).key_box, elem_id="nd-key",
            )  # fmt: skip
        viewer = gr.HTML("", elem_id="nd-viewer", js_on_load=VIEWER_JS)
        viewer.open(on.open_article, None, [viewer])  # a source card was clicked
        with gr.Tabs() as tabs:
            with gr.Tab("Chat", id="chat"):
                source, asking = _chat_tab(
                    chat, collection, shared.settings.retrieval.top_k,
                    shared.settings.query.max_top_k, key,
                )  # fmt: skip
            with gr.Tab("Ingest", id="ingest"):
                _ingest_tab(on, key, collection, source)
            with gr.Tab("Speakers", id="speakers") as speakers:
                _speakers_tab(on, speakers, tabs, chat, asking, collection, follow)
            with gr.Tab("Claims", id="claims"):
                claims_tab(shared, collection)
            with gr.Tab("Following", id="following") as following:
                _following_tab(follow, following, key, collection)
            with gr.Tab("Articles", id="articles"):
                table, choose, page = _articles_tab(on, key, collection)
        also = asking.inputs[-1]
        blocks.load(on.collections, outputs=[collection, also]).then(
            on.publishers, [collection], [source]
        ).then(on.articles, [page, collection], [table, choose])
        collection.input(on.publishers, [collection], [source]).then(
            on.articles, [page, collection], [table, choose]
        )
    return blocks


def _chat_tab(
    chat: Chat, collection: gr.Dropdown, top_k: int, max_top_k: int, key: gr.Textbox
) -> tuple[gr.Dropdown, Asking]:
    turns = gr.State([])
    chatbot = gr.Chatbot(
        label="Newsdesk", height=560, latex_delimiters=[], elem_id="nd-chat",
        feedback_options=FEEDBACK_OPTIONS, buttons=["copy"], placeholder="Ask about the news.",
    )  # fmt: skip
    chatbot.like(
        chat.feedback, [turns, key, collection], None
    )  # thumbs, or a reason under the flag
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
        also = gr.Dropdown([], value=[], multiselect=True, label="Also search",
                           elem_id="nd-also")  # fmt: skip
    asking = Asking(
        question,
        [question, turns, source, after, before, k, collection, also],
        [chatbot, turns, question],
    )
    with gr.Row(elem_classes=["nd-examples"], elem_id="nd-examples"):
        for example in EXAMPLES:  # a click asks it (gr.Examples only filled the box)
            chip = gr.Button(example, size="sm", variant="secondary", elem_classes=["nd-example"])
            chip.click(lambda text=example: text, None, [question]).then(
                chat.respond, asking.inputs, asking.outputs
            )
    with gr.Row():
        new = gr.Button("New conversation", size="sm")
        copy = gr.Button("Copy with sources", size="sm", elem_id="nd-copy")
        export = gr.Button("Export chat (Markdown)", size="sm", elem_id="nd-export-chat")
    exported = gr.Textbox(  # shown once there is something in it
        label="Last answer with its sources (Markdown)", lines=6, buttons=["copy"],
        elem_id="nd-export", interactive=False, visible=False,
    )  # fmt: skip
    download = gr.File(label="Chat as Markdown", elem_id="nd-export-file", visible=False)
    copy.click(last_answer_markdown, [turns], [exported]).then(
        None,
        [exported],
        None,
        js="(md) => { try { navigator.clipboard.writeText(md) } catch (e) {} }",
    )
    export.click(chat_file, [turns], [download])
    question.submit(chat.respond, asking.inputs, asking.outputs)
    ask.click(chat.respond, asking.inputs, asking.outputs)
    hidden = (gr.update(value="", visible=False), gr.update(value=None, visible=False))
    new.click(lambda: ([], [], "", *hidden), outputs=[*asking.outputs, exported, download])
    return source, asking


def _speakers_tab(
    on: Handlers,
    tab: gr.Tab,
    tabs: gr.Tabs,
    chat: Chat,
    asking: Asking,
    collection: gr.Dropdown,
    follow: FollowHandlers,
) -> None:
    """Who is quoted (listed when the tab opens); "Ask what they said" asks "What did X
    say?" in the Chat tab and shows it; "Their page" shows their weeks and quotes."""
    with gr.Row():
        publisher = gr.Textbox(label="Publisher (empty: all)", elem_id="nd-speakers-source")
        show = gr.Button("List speakers", elem_id="nd-speakers-list")
    table = gr.HTML(elem_id="nd-speakers")
    with gr.Row():
        choose = gr.Dropdown([], label="Speaker", allow_custom_value=True, elem_id="nd-speaker")
        ask = gr.Button("Ask what they said (Chat tab)", elem_id="nd-speaker-ask")
        page = gr.Button("Their page: quotes by date", elem_id="nd-speaker-page-show")
    shown = gr.HTML(elem_id="nd-speaker-page")
    page.click(follow.speaker, [choose, collection], [shown])
    tab.select(on.speakers, [publisher, collection], [table, choose])
    show.click(on.speakers, [publisher, collection], [table, choose])
    publisher.submit(on.speakers, [publisher, collection], [table, choose])
    ask.click(speaker_question, [choose], [asking.question, tabs]).success(
        chat.respond, asking.inputs, asking.outputs
    )


def speaker_question(name: str | None) -> tuple[str, gr.Tabs]:
    """ "What did X say?" in the question box, and the Chat tab shown; an error (so nothing
    is asked) when no speaker is chosen."""
    if not (name or "").strip():
        raise gr.Error("Choose a speaker first.", print_exception=False)
    return f"What did {(name or '').strip()} say?", gr.Tabs(selected="chat")


def _ingest_tab(
    on: Handlers, key: gr.Textbox, collection: gr.Dropdown, source: gr.Dropdown
) -> None:
    """Each way to ingest shows its result right under its own button."""
    files = gr.File(
        label="Files", file_count="multiple", file_types=list(upload_types()), elem_id="nd-files"
    )
    send_files = gr.Button("Ingest files", variant="primary", elem_id="nd-ingest-files")
    files_result = gr.HTML(elem_id="nd-ingest-result")
    with gr.Row():
        page_url = gr.Textbox(
            label="Or a web page", placeholder="https://...", elem_id="nd-page-url", scale=4
        )
        fetch = gr.Button("Fetch and ingest", elem_id="nd-ingest-url", scale=1)
    url_result = gr.HTML(elem_id="nd-url-result")
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
        text_result = gr.HTML(elem_id="nd-text-result")
    send_files.click(on.ingest_files, [files, key, collection], [files_result]).then(
        on.publishers, [collection], [source]
    )
    fetch.click(on.ingest_url, [page_url, key, collection], [url_result]).then(
        on.publishers, [collection], [source]
    )
    fields = [title, publisher, published, url, authors, text, key, collection]
    send_text.click(on.ingest_text, fields, [text_result]).then(
        on.publishers, [collection], [source]
    )


def _following_tab(
    follow: FollowHandlers, tab: gr.Tab, key: gr.Textbox, collection: gr.Dropdown
) -> None:
    """Follow a question: every new article that answers it is recorded, shown here, in
    its Atom feed, and sent to its webhook."""
    gr.Markdown("New and changed articles are checked against each followed question; "
                "the passages that answer it are kept here and in its Atom feed.")  # fmt: skip
    with gr.Row():
        question = gr.Textbox(
            label="Question to follow", scale=4, elem_id="nd-follow-question",
            placeholder="e.g. What did Peskov say about rare earths?",
        )  # fmt: skip
        webhook = gr.Textbox(label="Webhook (optional)", placeholder="https://...", scale=2,
                             elem_id="nd-follow-webhook")  # fmt: skip
        add = gr.Button("Follow", variant="primary", scale=1, elem_id="nd-follow")
    table = gr.HTML(elem_id="nd-follows")
    with gr.Row():
        choose = gr.Dropdown([], label="Followed question", elem_id="nd-follow-choice")
        show = gr.Button("Show what was found", elem_id="nd-follow-show")
        remove = gr.Button("Stop following", variant="stop", elem_id="nd-follow-remove")
    found = gr.HTML(elem_id="nd-follow-passages")
    tab.select(follow.follows, [collection], [table, choose])
    add.click(follow.add, [question, webhook, key, collection], [table, choose, question])
    question.submit(follow.add, [question, webhook, key, collection], [table, choose, question])
    show.click(follow.passages, [choose, collection], [found])
    choose.change(follow.passages, [choose, collection], [found])
    remove.click(follow.remove, [choose, key, collection], [table, choose, found])


def _articles_tab(
    on: Handlers, key: gr.Textbox, collection: gr.Dropdown
) -> tuple[gr.HTML, gr.Dropdown, gr.Number]:
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
    refresh.click(on.articles, [page, collection], [table, choose])
    page.submit(on.articles, [page, collection], [table, choose])
    delete.click(on.delete, [choose, key, collection], [status]).then(
        on.articles, [page, collection], [table, choose]
    )
    return table, choose, page


def mount_ui(app: FastAPI, shared: SharedDesk) -> FastAPI:
    """Mount the UI at ``/``; with named keys (or ``protect_reads``) the whole UI asks for
    a key first (gradio's login page: :mod:`ui.access`)."""
    server = shared.settings.server
    access = UIAccess(shared)

    mounted: FastAPI = gr.mount_gradio_app(
        app,
        build_ui(shared),
        path="/",
        server_name=server.host,
        server_port=server.port,
        footer_links=[],
        run_history=False,
        auth=access.login if access.login_needed else None,
        auth_message=access.login_message,
        show_error=True,
        max_file_size=server.max_upload_bytes,
        ssr_mode=False,
        css=CSS + TIMELINE_CSS,
        theme=gr.themes.Default(),
    )
    return mounted
