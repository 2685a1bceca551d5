"""Score the extractor on gold articles, through the same parse step the service runs.

    python -m service.claims.eval [GOLD_DIR_OR_FILES...]
    python -m service.claims.eval --bench [HTML_DIR]   (timing on the benchmark's real pages)

Each gold article is rendered as a simple HTML page, parsed by `service.articles.parse` and
handed to `extract`, so the figures are what users get. Matching follows CLAIMS.md: the
spender after alias resolution, both amounts within 1%, the same year (or both none); each
gold claim matches one prediction at most. The last line printed is the figures as JSON.
"""

from __future__ import annotations

import configparser
import contextlib
import html
import json
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import msgspec

from service.articles.parse import parse
from service.claims.extract import VERSION, Extracted, extract
from service.companies.registry import Registry, fold, load_registry

ROOT = Path(__file__).resolve().parents[2]
FIELDS = ("category", "status", "period")


class Article(msgspec.Struct, kw_only=True):
    id: str
    title: str | None = None
    published: str | None = None
    language: str | None = None
    text: str
    claims: list[dict[str, Any]]


class Result(msgspec.Struct, kw_only=True):
    article: Article
    text: str
    predicted: list[Extracted]
    pairs: list[tuple[int, int]]
    parse_ms: float
    extract_ms: float
    bad_evidence: list[Extracted]


def find_shared() -> Path:
    """Where the shared data folder should be: OUTLAY_SHARED when set, else ../shared beside
    the checkout, else ../shared beside the repository this checkout was cloned from (a
    clone made elsewhere, e.g. under /tmp, to test a fresh install). The suite, `make eval`
    and the benchmarks all look here; the caller checks what it needs is there."""
    if "OUTLAY_SHARED" in os.environ:
        return Path(os.environ["OUTLAY_SHARED"]).resolve()
    beside = (ROOT.parent / "shared").resolve()
    if beside.is_dir():
        return beside
    git = configparser.ConfigParser(strict=False)
    with contextlib.suppress(OSError, configparser.Error):
        git.read(ROOT / ".git" / "config", encoding="utf-8")
    origin = git.get('remote "origin"', "url", fallback="")
    if origin and Path(origin).is_dir():
        return (Path(origin).resolve().parent / "shared").resolve()
    return beside


def shared_dir() -> Path:
    path = find_shared()
    if not (path / "CLAIMS.md").is_file():
        raise SystemExit(
            f"shared data not found at {path}: set OUTLAY_SHARED to the shared/ folder"
        )
    return path


def default_gold() -> list[Path]:
    shared = shared_dir()
    return [
        *sorted((shared / "eval" / "claims-dev").glob("*.json")),
        shared / "fixtures" / "seed" / "gold.json",
    ]


def gold_files(args: list[str]) -> list[Path]:
    if not args:
        return default_gold()
    files: list[Path] = []
    for arg in args:
        path = Path(arg)
        files.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    return files


def render(article: Article) -> str:
    """The article as a plain news page: title in <title> and <h1>, one <p> per paragraph."""
    title = html.escape(article.title or "")
    paragraphs = [p.strip() for p in article.text.split("\n\n") if p.strip()]
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    lang = html.escape(article.language or "en")
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><article><h1>{title}</h1>\n{body}\n</article></body></html>"
    )


def gold_key(claim: dict[str, Any], registry: Registry) -> str:
    if claim.get("company"):
        company = registry.resolve(claim["company"])
        return registry.root(company.slug).slug if company else "name:" + fold(claim["company"])
    group = registry.group(claim.get("group") or "")
    return "group:" + (group.name if group else fold(claim.get("group") or ""))


def predicted_key(claim: Extracted, registry: Registry) -> str:
    if claim.company_slug:
        return claim.company_slug
    if claim.company:
        company = registry.resolve(claim.company)
        return registry.root(company.slug).slug if company else "name:" + fold(claim.company)
    group = registry.group(claim.group or "")
    return "group:" + (group.name if group else fold(claim.group or ""))


def _close(a: int, b: int) -> bool:
    return abs(a - b) <= 0.01 * max(abs(b), 1)


def matches(gold: dict[str, Any], gkey: str, pred: Extracted, pkey: str) -> bool:
    return (
        gkey == pkey
        and _close(pred.amount_low, int(gold["amount_low"]))
        and _close(pred.amount_high, int(gold["amount_high"]))
        and gold.get("year") == pred.year
    )


def pair_up(
    golds: list[dict[str, Any]], preds: list[Extracted], registry: Registry
) -> list[tuple[int, int]]:
    """Greedy one-to-one matching, pairs that also agree on more fields first."""
    gkeys = [gold_key(g, registry) for g in golds]
    pkeys = [predicted_key(p, registry) for p in preds]
    candidates = []
    for gi, g in enumerate(golds):
        for pi, p in enumerate(preds):
            if matches(g, gkeys[gi], p, pkeys[pi]):
                agree = sum(g.get(f) == getattr(p, f) for f in FIELDS)
                candidates.append((-agree, -p.confidence, gi, pi))
    pairs: list[tuple[int, int]] = []
    used_g: set[int] = set()
    used_p: set[int] = set()
    for _, _, gi, pi in sorted(candidates):
        if gi not in used_g and pi not in used_p:
            pairs.append((gi, pi))
            used_g.add(gi)
            used_p.add(pi)
    return pairs


def run_article(path: Path, registry: Registry) -> Result:
    article = msgspec.json.decode(path.read_bytes(), type=Article)
    page = render(article)
    t0 = time.process_time()
    parsed = parse(page)
    parse_ms = (time.process_time() - t0) * 1000
    published = date.fromisoformat(article.published) if article.published else None
    runs: list[float] = []
    predicted: list[Extracted] = []
    for _ in range(5):
        t0 = time.process_time()
        predicted = extract(
            parsed.text, published=published, language=article.language, registry=registry
        )
        runs.append((time.process_time() - t0) * 1000)
    bad = [c for c in predicted if parsed.text[c.start : c.end] != c.evidence]
    return Result(
        article=article,
        text=parsed.text,
        predicted=predicted,
        pairs=pair_up(article.claims, predicted, registry),
        parse_ms=parse_ms,
        extract_ms=statistics.median(runs),
        bad_evidence=bad,
    )


def _describe_gold(g: dict[str, Any]) -> str:
    who = g.get("company") or f"group {g.get('group')}"
    return (
        f"{who} {g['amount_low']:,}-{g['amount_high']:,} {g.get('currency')} year={g.get('year')} "
        f"{g.get('period')} {g.get('category')} {g.get('status')}"
    )


def _describe(p: Extracted) -> str:
    who = p.company or f"group {p.group}"
    return (
        f"{who} {p.amount_low:,}-{p.amount_high:,} {p.currency} year={p.year} {p.period} "
        f"{p.category} {p.status} conf={p.confidence:.2f}"
    )


def score(results: list[Result]) -> dict[str, Any]:
    n_gold = sum(len(r.article.claims) for r in results)
    n_pred = sum(len(r.predicted) for r in results)
    tp = sum(len(r.pairs) for r in results)
    precision = tp / n_pred if n_pred else 1.0
    recall = tp / n_gold if n_gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    figures: dict[str, Any] = {
        "version": VERSION,
        "articles": len(results),
        "gold": n_gold,
        "predicted": n_pred,
        "matched": tp,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }
    for field in FIELDS:
        right = sum(
            r.article.claims[gi].get(field) == getattr(r.predicted[pi], field)
            for r in results
            for gi, pi in r.pairs
        )
        figures[f"{field}_accuracy"] = round(right / tp, 4) if tp else None
    sure = [(r, pi) for r in results for pi, p in enumerate(r.predicted) if p.confidence >= 0.8]
    sure_right = sum(1 for r, pi in sure if any(p == pi for _, p in r.pairs))
    figures["precision_at_0_8"] = round(sure_right / len(sure), 4) if sure else None
    figures["claims_at_0_8"] = len(sure)
    figures["evidence_violations"] = sum(len(r.bad_evidence) for r in results)
    figures["extract_ms_median"] = round(statistics.median(r.extract_ms for r in results), 3)
    figures["parse_ms_median"] = round(statistics.median(r.parse_ms for r in results), 3)
    return figures


def report(results: list[Result]) -> dict[str, Any]:
    for r in results:
        matched_g = {gi for gi, _ in r.pairs}
        matched_p = {pi for _, pi in r.pairs}
        missed = [g for gi, g in enumerate(r.article.claims) if gi not in matched_g]
        extra = [p for pi, p in enumerate(r.predicted) if pi not in matched_p]
        wrong = [
            (r.article.claims[gi], r.predicted[pi])
            for gi, pi in r.pairs
            if any(r.article.claims[gi].get(f) != getattr(r.predicted[pi], f) for f in FIELDS)
        ]
        print(
            f"\n== {r.article.id}: gold {len(r.article.claims)}, predicted {len(r.predicted)}, "
            f"matched {len(r.pairs)}  (parse {r.parse_ms:.1f} ms, extract {r.extract_ms:.2f} ms)"
        )
        for g in missed:
            print(f"  missed: {_describe_gold(g)}\n          | {g.get('evidence', '')[:110]}")
        for p in extra:
            print(f"  extra:  {_describe(p)}\n          | {p.evidence[:110]}")
        for g, p in wrong:
            diffs = ", ".join(
                f"{f} {getattr(p, f)} (gold {g.get(f)})"
                for f in FIELDS
                if g.get(f) != getattr(p, f)
            )
            print(f"  fields: {_describe_gold(g)}: {diffs}")
        for p in r.bad_evidence:
            print(f"  EVIDENCE MISMATCH at {p.start}:{p.end}: {p.evidence[:80]!r}")
    figures = score(results)
    print(
        f"\nprecision {figures['precision']:.3f}  recall {figures['recall']:.3f}"
        f"  F1 {figures['f1']:.3f}"
        f"  ({figures['matched']} of {figures['gold']} gold, {figures['predicted']} predicted)"
    )
    print(
        "accuracy over matched pairs: "
        + "  ".join(f"{f} {figures[f + '_accuracy']}" for f in FIELDS)
    )
    print(
        f"precision at confidence >= 0.8: {figures['precision_at_0_8']}"
        f" ({figures['claims_at_0_8']} claims)"
    )
    print(f"evidence violations: {figures['evidence_violations']}")
    print(
        f"CPU time per article (median): extraction {figures['extract_ms_median']:.3f} ms, "
        f"parse {figures['parse_ms_median']:.1f} ms "
        f"({100 * figures['extract_ms_median'] / max(figures['parse_ms_median'], 1e-9):.1f}%)"
    )
    return figures


def evaluate(
    paths: list[Path], registry: Registry | None = None
) -> tuple[list[Result], dict[str, Any]]:
    """Run and score without printing: what tests use."""
    reg = registry if registry is not None else load_registry()
    extract("warm up: Amazon plans $1 billion.", published=None, language="en", registry=reg)
    results = [run_article(p, reg) for p in paths]
    return results, score(results)


def bench(folder: Path) -> dict[str, Any]:
    """Parse and extraction CPU time on real pages (the article-extraction benchmark)."""
    import gzip  # noqa: PLC0415

    registry = load_registry()
    extract("warm up: Amazon plans $1 billion.", published=None, language="en", registry=registry)
    parse_ms: list[float] = []
    extract_ms: list[float] = []
    claims = 0
    for page in sorted(folder.glob("*.html.gz")):
        raw = gzip.decompress(page.read_bytes()).decode("utf-8", "replace")
        t0 = time.process_time()
        parsed = parse(raw)
        t1 = time.process_time()
        found = extract(
            parsed.text, published=parsed.published, language=parsed.language, registry=registry
        )
        t2 = time.process_time()
        parse_ms.append((t1 - t0) * 1000)
        extract_ms.append((t2 - t1) * 1000)
        claims += len(found)
    figures = {
        "pages": len(parse_ms),
        "claims": claims,
        "parse_ms_median": round(statistics.median(parse_ms), 3) if parse_ms else None,
        "extract_ms_median": round(statistics.median(extract_ms), 3) if extract_ms else None,
    }
    print(
        f"bench: {figures['pages']} pages, {claims} claims; CPU time per page (median): "
        f"extraction {figures['extract_ms_median']} ms, parse {figures['parse_ms_median']} ms"
    )
    return figures


def main(argv: list[str]) -> int:
    if argv[:1] == ["--bench"]:
        folder = (
            Path(argv[1])
            if len(argv) > 1
            else shared_dir() / "bench" / "article-extraction" / "html"
        )
        print(json.dumps(bench(folder), sort_keys=True))
        return 0
    paths = gold_files(argv)
    if not paths:
        print("no gold files given or found", file=sys.stderr)
        return 2
    results, _ = evaluate(paths)
    figures = report(results)
    print(json.dumps(figures, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
