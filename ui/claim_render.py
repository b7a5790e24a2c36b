"""HTML of a claim or quote check, every piece of article text escaped.

What the check marks in a passage (the claim's parts found, a quote's changed words) is
wrapped in our own ``<mark>`` tags, cut from the raw text by offsets and escaped piece by
piece, so a mark can never split an entity and no raw article character reaches the page.
"""

from __future__ import annotations

import html

from rag.contract import ClaimCheck, Evidence
from ui.render import link

_COLOURS = {
    "supported": "#15803d", "exact": "#15803d", "contradicted": "#b91c1c",
    "misattributed": "#b91c1c", "altered": "#b45309", "mixed": "#b45309",
    "not_found": "#4b5563",
}  # fmt: skip
_MARK_STYLE = {
    "changed": "background:#fecaca",
    "added": "background:#fed7aa",
}  # anything else found: the default yellow of <mark>


def claim_html(check: ClaimCheck) -> str:
    """The verdict, its summary, the parts looked for, and one card per passage."""
    verdict = (check.quote_check if check.kind == "quote" else check.verdict) or ""
    colour = _COLOURS.get(verdict, "#4b5563")
    badge = (
        f'<span class="nd-verdict" data-verdict="{html.escape(verdict)}" style="background:'
        f'{colour};color:white;border-radius:6px;padding:2px 8px;font-weight:600">'
        f"{html.escape(verdict.replace('_', ' '))}</span>"
    )
    parts = ""
    if check.parts:
        listed = ", ".join(f"{html.escape(p.text)} <small>({p.kind})</small>" for p in check.parts)
        parts = f'<p class="nd-claim-parts">Looked for: {listed}</p>'
    cards = "".join(_card(e) for e in check.evidence)
    summary = f'<p class="nd-claim-summary">{html.escape(check.summary)}</p>'
    return (
        f'<div class="nd-claim">{badge}{summary}{parts}<div class="nd-sources">{cards}</div></div>'
    )


def _card(e: Evidence) -> str:
    c = e.citation
    meta = [link(c.url, c.title or c.doc_id)] + [html.escape(x) for x in (c.source, c.dates()) if x]
    who = f" · said by <b>{html.escape(e.speaker)}</b>" if e.speaker else ""
    note = f'<div class="nd-claim-note">{html.escape(e.note)}</div>' if e.note else ""
    return (
        f'<div class="nd-card nd-evidence" data-stance="{html.escape(e.stance)}">'
        f'<div class="nd-quote"><span class="nd-n">[{c.n}]</span> '
        f"<i>{html.escape(e.stance)}</i>{who}{' (the headline)' if e.headline else ''}: "
        f"{marked(e)}</div>{note}{_diff(e)}"
        f'<div class="nd-meta">{" · ".join(meta)}</div></div>'
    )


def marked(e: Evidence) -> str:
    """The passage, escaped, with each marked span (offsets into the article) in <mark>."""
    quote, base = e.passage, e.offset
    out: list[str] = []
    last = 0
    for m in sorted(e.marks, key=lambda m: m.start):
        lo, hi = m.start - base, m.end - base
        if lo < last or hi > len(quote):
            continue  # overlapping or outside the passage: left unmarked
        style = _MARK_STYLE.get(m.kind, "")
        title = html.escape(f"{m.kind}: {m.claimed}" if m.claimed else m.kind, quote=True)
        out.append(html.escape(quote[last:lo]))
        out.append(f'<mark class="nd-mark-{m.kind}" title="{title}" style="{style}">'
                   f"{html.escape(quote[lo:hi])}</mark>")  # fmt: skip
        last = hi
    out.append(html.escape(quote[last:]))
    return " ".join("".join(out).split())


def _diff(e: Evidence) -> str:
    """A quote's words as given and as stored: given ones struck, stored ones underlined."""
    changed = [d for d in e.diff if d.op not in ("same",)]
    if not changed:
        return ""
    pieces = []
    for d in e.diff:
        given, stored = html.escape(d.given), html.escape(d.stored)
        if d.op == "same":
            pieces.append(stored)
        elif d.op == "elided":
            pieces.append("…")
        else:
            struck = f'<del style="color:#b91c1c">{given}</del> ' if given else ""
            kept = f'<ins style="color:#15803d">{stored}</ins>' if stored else ""
            pieces.append(f"{struck}{kept}".strip())
    return f'<div class="nd-claim-diff">Given → stored: {" ".join(pieces)}</div>'
