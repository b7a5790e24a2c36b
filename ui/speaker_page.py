"""A speaker's page: a chart of their quotes per week and publisher (an SVG drawn here: no
script, no request anywhere), then every quote on a timeline, oldest first, each opening
its article in the viewer (:mod:`ui.viewer`) on the quoted words.

Every piece of article text (names, roles, quotes, titles, publishers) passes through
``html.escape``, in the SVG's labels and tooltips too.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from datetime import date, timedelta

from rag.contract import SpeakerQuote, SpeakerTimeline, WeekCount
from ui.render import link

MAX_WEEKS = 156  # three years of weeks drawn, at most: the newest
COLORS = ("#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563")
OTHERS = "other publishers"
BAR, GAP, HEIGHT, LEFT, TOP, BOTTOM = 18, 4, 160, 32, 12, 40


def speaker_page(timeline: SpeakerTimeline) -> str:
    """The whole page: who, how many quotes, the chart, the quotes by date."""
    esc = html.escape
    if not timeline.total:
        return (f"<p class='nd-empty'>No quotes attributed to {esc(timeline.name)} in "
                f"{timeline.articles_read} articles.</p>")  # fmt: skip
    shown = len(timeline.quotes)
    newest = f" (the newest {shown} shown)" if shown < timeline.total else ""
    head = (
        f"<h3 class='nd-speaker-name'>{esc(', '.join(timeline.speakers))}</h3>"
        f"<p>{timeline.total} quotes in {len({q.doc_id for q in timeline.quotes})} articles"
        f"{esc(newest)}.</p>"
    )
    items = "".join(_item(q) for q in timeline.quotes)
    return (
        f"<div class='nd-speaker-page'>{head}{week_chart(timeline.weeks)}"
        f"<ol class='nd-timeline'>{items}</ol></div>"
    )


def _item(q: SpeakerQuote) -> str:
    esc = html.escape
    roles = f" ({'; '.join(q.roles)})" if q.roles else ""
    meta = [esc(q.speaker + roles), link(q.url, q.title or q.doc_id)]
    meta += [esc(p) for p in (q.source, q.location) if p]
    data = f'data-doc="{esc(q.doc_id)}" data-start="{q.start}" data-end="{q.end}"'
    return (
        f"<li class='nd-card nd-said' {data} title='Open the article'>"
        f"<div class='nd-when'>{esc(q.published_at or 'undated')}</div>"
        f"<div class='nd-quote'>{esc(' '.join(q.quote.split()))}</div>"
        f"<div class='nd-meta'>{' · '.join(meta)}</div></li>"
    )


def week_chart(weeks: list[WeekCount]) -> str:
    """Stacked bars: one column per week (empty weeks too, so time runs evenly), one
    colour per publisher (the seven most quoted; the rest together)."""
    if not weeks:
        return "<p class='nd-empty'>No dated quotes to chart.</p>"
    mondays = _mondays(weeks)
    totals = Counter[str]()
    for w in weeks:
        totals[w.source] += w.quotes
    named = [s for s, _ in totals.most_common(len(COLORS) - 1)]
    color = {s: COLORS[i] for i, s in enumerate(named)}
    stacks: dict[date, Counter[str]] = defaultdict(Counter)
    for w in weeks:
        stacks[w.monday][w.source if w.source in color else OTHERS] += w.quotes
    color[OTHERS] = COLORS[-1]
    peak = max(sum(stack.values()) for stack in stacks.values())
    width = LEFT + len(mondays) * (BAR + GAP) + GAP
    bars = "".join(
        _column(i, m, stacks.get(m, Counter()), color, peak) for i, m in enumerate(mondays)
    )
    axis = (
        f"<line x1='{LEFT}' y1='{TOP + HEIGHT}' x2='{width}' y2='{TOP + HEIGHT}' stroke='#888'/>"
        f"<text x='{LEFT - 4}' y='{TOP + 8}' text-anchor='end' font-size='10'>{peak}</text>"
        f"<text x='{LEFT - 4}' y='{TOP + HEIGHT}' text-anchor='end' font-size='10'>0</text>"
    )
    labels = "".join(_label(i, m, len(mondays)) for i, m in enumerate(mondays))
    svg = (
        f"<svg class='nd-week-chart' xmlns='http://www.w3.org/2000/svg' role='img' "
        f"width='{width}' height='{TOP + HEIGHT + BOTTOM}' "
        f"viewBox='0 0 {width} {TOP + HEIGHT + BOTTOM}' aria-label='Quotes per week'>"
        f"{axis}{bars}{labels}</svg>"
    )
    used = [s for s in [*named, OTHERS] if any(s in stack for stack in stacks.values())]
    legend = "".join(
        f"<span class='nd-legend-item'><span class='nd-swatch' style='background:{color[s]}'>"
        f"</span>{html.escape(s or 'no publisher')}</span>"
        for s in used
    )
    return (
        "<figure class='nd-chart'><figcaption>Quotes per week, by publisher</figcaption>"
        f"<div class='nd-chart-scroll'>{svg}</div><div class='nd-legend'>{legend}</div></figure>"
    )


def _mondays(weeks: list[WeekCount]) -> list[date]:
    first, last = min(w.monday for w in weeks), max(w.monday for w in weeks)
    count = min((last - first).days // 7 + 1, MAX_WEEKS)
    return [last - timedelta(weeks=count - 1 - i) for i in range(count)]


def _column(i: int, monday: date, stack: Counter[str], color: dict[str, str], peak: int) -> str:
    x = LEFT + GAP + i * (BAR + GAP)
    week = _week(monday)
    y = TOP + HEIGHT
    out = []
    for source, n in sorted(stack.items(), key=lambda item: -item[1]):
        h = max(round(HEIGHT * n / peak), 1)
        y -= h
        tip = html.escape(f"{week} (from {monday}): {source or 'no publisher'}, {n} quotes")
        out.append(
            f"<rect class='nd-bar' x='{x}' y='{y}' width='{BAR}' height='{h}' "
            f"fill='{color[source]}' data-week='{week}' data-source='{html.escape(source)}' "
            f"data-quotes='{n}'><title>{tip}</title></rect>"
        )
    return "".join(out)


def _label(i: int, monday: date, count: int) -> str:
    """Every week's label when there are few, else about ten of them."""
    step = max(1, round(count / 10))
    if i % step and i != count - 1:
        return ""
    x = LEFT + GAP + i * (BAR + GAP) + BAR / 2
    y = TOP + HEIGHT + 14
    return (
        f"<text x='{x}' y='{y}' font-size='9' text-anchor='end' "
        f"transform='rotate(-35 {x} {y})'>{monday.isoformat()}</text>"
    )


def _week(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


CSS = """
.nd-chart { margin: 8px 0 16px; }
.nd-chart-scroll { overflow-x: auto; }
.nd-week-chart text { fill: var(--body-text-color); }
.nd-legend { display: flex; flex-wrap: wrap; gap: 12px; font-size: 0.85em; }
.nd-swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
.nd-timeline { list-style: none; padding-left: 16px; border-left: 2px solid
  var(--border-color-primary); display: flex; flex-direction: column; gap: 8px; }
.nd-timeline .nd-when { font-weight: 600; font-size: 0.85em; }
"""
