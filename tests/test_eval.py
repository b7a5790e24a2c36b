"""`newsdesk eval`: metrics computed right, outputs written, the index built once and reused."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from newsdesk.cli import main
from rag.contract import Answer, Citation, Filters
from rag.errors import NewsdeskError
from rag.search.hybrid import Recency
from services.evaluation import (
    QuestionResult,
    answer_hit,
    eval_settings,
    load_questions,
    percentile,
    summarize,
    text_hit,
)
from services.settings import load_settings

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "eval"
CORPUS = FIXTURES / "corpus.jsonl"
QUESTIONS = FIXTURES / "questions.jsonl"


def _result(rank: int | None, hit: bool = False, cited: int = 1, valid: int = 1) -> QuestionResult:
    return QuestionResult("q", rank, hit, hit, hit, cited == 0, cited, valid, 10.0)


def test_questions_are_read_with_answers_and_dates() -> None:
    questions = {q.id: q for q in load_questions(QUESTIONS)}
    assert questions["fx-1"].as_of == date(2022, 8, 25)
    assert questions["fx-1"].answers == ("Dinosaur tracks",)
    assert questions["fx-2"].answers == ("Northeastern University", "Northeastern")
    assert questions["fx-3"].as_of is None
    assert questions["fx-4"].gold_doc_ids == frozenset({"fx-not-in-corpus"})


def test_bad_question_line_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "q.jsonl"
    bad.write_text('{"query": "neither answers nor unanswerable", "gold_doc_ids": ["d"]}\n')
    with pytest.raises(NewsdeskError, match=r"q\.jsonl:1.*unanswerable"):
        load_questions(bad)
    bad.write_text('{"query": "a", "answer": "x", "gold_doc_ids": ["d"]}\n{not json\n')
    with pytest.raises(NewsdeskError, match=r"q\.jsonl:2"):
        load_questions(bad)


def test_a_gold_answer_matches_whatever_quotation_marks_surround_it() -> None:
    """Gold strings are written with their own quotation marks (“Succession”, "Succession"):
    the marks are typography, so a comma inside them, or straight for curly, still hits."""
    said = "cast member of the beloved children’s program “Sesame Street,” has died"
    assert text_hit([said], ["“Sesame Street”"])
    assert text_hit(["on Presidents’ Day"], ["Presidents' Day"])
    assert not text_hit([said], ["“Street Sesame”"])


def test_recall_and_mrr_count_the_first_gold_chunk() -> None:
    results = [_result(1, hit=True), _result(3), _result(7), _result(None, cited=0, valid=0)]
    metrics = summarize("set", results).metrics
    assert metrics["recall@1"] == 0.25
    assert metrics["recall@5"] == 0.5
    assert metrics["recall@10"] == 0.75
    assert metrics["mrr@10"] == round((1 + 1 / 3 + 1 / 7) / 4, 4)
    assert metrics["answer_hit"] == 0.25
    assert metrics["refusal_rate"] == 0.25
    assert metrics["citation_validity"] == 1.0


def test_citation_validity_is_the_share_of_verbatim_citations() -> None:
    metrics = summarize("set", [_result(1, cited=3, valid=2), _result(2, cited=1, valid=1)])
    assert metrics.metrics["citation_validity"] == 0.75


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) == 0.0


def test_answer_hit_looks_in_the_answer_and_its_quotes_ignoring_case() -> None:
    citation = Citation(
        n=1,
        doc_id="d",
        chunk_id="d:1",
        title="",
        source="",
        url="",
        published_at="",
        authors=(),
        quote="Dinosaur\ntracks were found",
        start=0,
        end=9,
        score=1.0,
        support=1.0,
    )
    answer = Answer(question="q", answer="Something [1]", citations=[citation])
    assert answer_hit(answer, ["dinosaur tracks"])
    assert not answer_hit(answer, ["pink diamonds"])
    assert not answer_hit(
        Answer(question="q", answer="No passage answers dinosaur tracks.", citations=[]),
        ["dinosaur"],
    )


def test_the_eval_store_is_derived_from_the_corpus(write_config: Callable[..., Path]) -> None:
    settings = load_settings(write_config(), env={})
    derived = eval_settings(settings, CORPUS)
    assert derived.store.path.parent.parent == settings.store.path.parent / "eval"
    assert derived.store.path.parent.name.startswith("corpus-")
    assert eval_settings(settings, CORPUS).store.path == derived.store.path
    assert derived.store.collection == settings.store.collection


@pytest.mark.slow
def test_cli_eval_writes_json_and_markdown_and_reuses_the_index(
    write_config: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, out = str(write_config()), tmp_path / "out" / "fixture.json"
    argv = ["eval", str(QUESTIONS), "--corpus", str(CORPUS), "--config", config]
    assert main([*argv, "--json", str(out)]) == 0
    captured = capsys.readouterr()
    assert "4 added" in captured.err and "| questions.jsonl | 4 |" in captured.out
    data = json.loads(out.read_text())
    assert data["index"] == {"articles": 4, "chunks": 4}
    (report,) = data["sets"]
    ranks = {r["id"]: r["rank"] for r in report["results"]}
    assert ranks["fx-1"] == ranks["fx-2"] == ranks["fx-3"] == 1
    assert ranks["fx-4"] is None  # its gold article is not in the corpus
    in_top = {r["id"]: r["answer_in_top_article"] for r in report["results"]}
    assert in_top == {"fx-1": True, "fx-2": True, "fx-3": True, "fx-4": False}
    assert report["metrics"]["recall@1"] == 0.75
    assert report["metrics"]["citation_validity"] == 1.0
    assert "| R@1 |" in out.with_suffix(".md").read_text()
    assert main(argv) == 0
    assert "4 unchanged" in capsys.readouterr().err


def test_cli_eval_missing_corpus_exits_1(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["eval", str(QUESTIONS), "--corpus", "/nonexistent.jsonl"]
    assert main([*argv, "--config", str(write_config())]) == 1
    assert "corpus not found" in capsys.readouterr().err


def test_the_recency_window_narrows_the_filters() -> None:
    recency = Recency(date(2022, 8, 25), 7, 1.0)
    assert recency.window(None) == Filters(
        source=None, published_after="2022-08-18", published_before="2022-08-25"
    )
    narrowed = recency.window(
        Filters(source="CNN", published_after="2022-08-20", published_before=None)
    )
    assert narrowed == Filters(
        source="CNN", published_after="2022-08-20", published_before="2022-08-25"
    )
    assert recency.window(Filters(published_before="2022-01-01")) is None


def test_unanswerable_questions_and_questions_without_gold_articles(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(
        '{"id": "a", "query": "Who?", "answers": ["Ann"]}\n'
        '{"id": "u", "query": "Why?", "answers": [], "unanswerable": true}\n'
    )
    answerable, unanswerable = load_questions(path)
    assert answerable.gold_doc_ids == frozenset() and not answerable.unanswerable
    assert unanswerable.unanswerable and unanswerable.answers == ()


def test_metrics_split_answerable_unanswerable_and_negatives() -> None:
    def result(**kw: object) -> QuestionResult:
        base: dict[str, object] = {
            "id": "q", "rank": None, "answer_hit": False, "answer_in_top5": False,
            "answer_in_top_article": False, "refused": False, "citations": 1,
            "valid_citations": 1, "latency_ms": 1.0, "has_gold": False,
        }  # fmt: skip
        return QuestionResult(**{**base, **kw})  # type: ignore[arg-type]

    results = [
        result(answer_hit=True, citations=1, negative_refused=True),
        result(answer_hit=False, citations=3, negative_refused=False),
        result(refused=True, citations=0, valid_citations=0, negative_refused=True),
        result(unanswerable=True, refused=True, citations=0, valid_citations=0),
        result(unanswerable=True, refused=False, citations=2, valid_citations=2),
    ]
    metrics = summarize("s", results).metrics
    assert metrics["answer_hit"] == round(1 / 3, 4)  # over the 3 answerable
    assert metrics["refusal_rate"] == round(1 / 3, 4)
    assert metrics["correct_refusal"] == 0.5  # over the 2 unanswerable
    assert metrics["negative_rejection"] == round(2 / 3, 4)
    assert metrics["citations_median"] == 2.0  # of the answered: 1, 3, 2
    assert metrics["recall@5"] == 0.0  # no question had gold articles


def test_trust_metrics_count_answering_and_refusing_as_a_classification() -> None:
    from dataclasses import replace

    base = _result(1, hit=True, cited=2, valid=2)
    results = [
        replace(base, cited_answer=True, citations_with_part=1, negative_refused=True),
        replace(_result(2, cited=0, valid=0), negative_refused=True),
        replace(_result(None, cited=0, valid=0), unanswerable=True),
        replace(_result(None, cited=1, valid=1), unanswerable=True),
    ]
    metrics = summarize("set", results).metrics
    # answered: 1 of 2 answers was to an answerable question, 1 of 2 answerable answered
    assert metrics["answer_precision"] == 0.5 and metrics["answer_recall"] == 0.5
    # refused: 3 of 4 refusals right (the unanswerable one and both negatives); 3 of 4 cases
    assert metrics["refusal_precision"] == 0.75 and metrics["refusal_recall"] == 0.75
    assert metrics["trust_f1"] == round((0.5 + 0.75) / 2, 4)
    assert metrics["citation_recall"] == 1.0 and metrics["citation_precision"] == 0.5


def test_a_citation_holds_part_of_an_answer_with_half_its_terms() -> None:
    from services.evaluation.scoring import holds_part

    def cite(quote: str) -> Citation:
        return Citation(n=1, doc_id="d", chunk_id="c", title="", source="", url="",
                        published_at="", authors=(), quote=quote, start=0, end=len(quote),
                        score=1.0, support=1.0)  # fmt: skip

    golds = ["Houston Astros & Philadelphia Phillies"]
    assert holds_part(cite("The Philadelphia Phillies beat the Houston Astros."), golds)
    assert holds_part(cite("The Phillies won in Philadelphia."), golds)  # 2 of 4 terms
    assert not holds_part(cite("The Phillies won."), golds)
