"""The extractor's quality on the development set, measured the way `make eval` measures it."""

from __future__ import annotations

import json
from pathlib import Path

from service.claims.eval import Article, evaluate, main, render


def _dev(shared: Path) -> list[Path]:
    files = sorted((shared / "eval" / "claims-dev").glob("*.json"))
    assert files, f"no gold articles in {shared / 'eval' / 'claims-dev'}"
    return files


def test_dev_set_f1_and_field_accuracy_hold(shared: Path) -> None:
    _, figures = evaluate(_dev(shared))
    assert figures["f1"] >= 0.85, figures
    for field in ("category", "status", "period"):
        assert figures[f"{field}_accuracy"] >= 0.85, figures


def test_every_claim_the_eval_produces_quotes_its_sentence(shared: Path) -> None:
    results, figures = evaluate([*_dev(shared), shared / "fixtures" / "seed" / "gold.json"])
    assert figures["evidence_violations"] == 0
    for result in results:
        for claim in result.predicted:
            assert result.text[claim.start : claim.end] == claim.evidence


def test_the_last_line_printed_is_the_figures_as_json(shared: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main([str(shared / "fixtures" / "seed" / "gold.json")]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    figures = json.loads(last)
    assert figures["f1"] == 1.0
    assert figures["extract_ms_median"] > 0
    assert figures["parse_ms_median"] > 0


def test_render_escapes_text_and_keeps_paragraphs() -> None:
    article = Article(id="x", title="A <b> & C", text="One < two.\n\nThree & four.", claims=[])
    page = render(article)
    assert "<title>A &lt;b&gt; &amp; C</title>" in page
    assert "<p>One &lt; two.</p>" in page
    assert "<p>Three &amp; four.</p>" in page
