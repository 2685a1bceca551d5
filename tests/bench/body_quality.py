"""Article body quality of Outlay's parse() against plain trafilatura, side by side.

    .venv/bin/python tests/bench/body_quality.py [--dump FILE]

Scores body text on the 181 pages of shared/bench/article-extraction with that benchmark's
own metric: ``\\w+`` tokens, 4-token shingles, per page tp/fp/fn normalised to sum 1,
precision averaged over pages that predicted something, recall over pages with a body,
F1 their harmonic mean. Both extractors run on the same page in the same worker (a pool of
2 processes), so the time ratio is fair on a noisy shared machine. Also reports title and
publication-date accuracy of parse() on the dev articles and the seed page. The figures are
printed as one JSON line last.
"""

from __future__ import annotations

import argparse
import gzip
import html as htmllib
import json
import re
import statistics
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from service.articles.parse import parse  # noqa: E402
from service.claims.eval import find_shared  # noqa: E402

_TOKEN = re.compile(r"\w+")
_POOL = 2


def shared_dir() -> Path:
    path = find_shared()
    bench = path / "bench" / "article-extraction"
    if not (bench / "ground-truth.json").is_file():
        sys.exit(f"body_quality: no benchmark data at {bench} (set OUTLAY_SHARED)")
    return path


# -- the benchmark's metric ---------------------------------------------------------------


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    # A text shorter than n tokens is one short shingle, as in the benchmark.
    return Counter(
        tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n]
    )


def page_counts(true: str, pred: str) -> tuple[float, float, float]:
    """(tp, fp, fn) over shingles, normalised to sum 1 so long pages do not weigh more."""
    t, p = _shingles(true), _shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def page_prf(tp: float, fp: float, fn: float) -> tuple[float, float]:
    if fp == fn == 0:
        return 1.0, 1.0
    precision = 0.0 if tp == fp == 0 else tp / (tp + fp)
    recall = 0.0 if tp == fn == 0 else tp / (tp + fn)
    return precision, recall


def score(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    # An empty prediction has no precision (left out of its mean) and zero recall.
    precisions = [page_prf(*c)[0] for c in counts if c[0] + c[1] > 0]
    recalls = [page_prf(*c)[1] for c in counts if c[0] + c[2] > 0]
    p = statistics.mean(precisions) if precisions else 0.0
    r = statistics.mean(recalls) if recalls else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"f1": round(f1, 4), "precision": round(p, 4), "recall": round(r, 4)}


# -- work done in the pool --------------------------------------------------------------


def _warm_up() -> None:
    """Load what each side loads once per process (language model, lazy imports), so the
    timings are of pages, as in a long-running worker."""
    sample = "<html><body><article><p>" + "Warm up text for the worker. " * 20 + "</p></article>"
    parse(sample + "</body></html>")
    trafilatura.extract(sample, include_comments=False)


def _bench_page(path: str) -> tuple[str, str, str, float, float]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        page = f.read()
    started = time.perf_counter()
    ours = parse(page).text
    ours_s = time.perf_counter() - started
    started = time.perf_counter()
    plain = trafilatura.extract(page, include_comments=False) or ""
    plain_s = time.perf_counter() - started
    return Path(path).name.removesuffix(".html.gz"), ours, plain, ours_s, plain_s


def render_dev(article: dict[str, object]) -> str:
    """A plain page for a dev article stored as text: headline, dateline, paragraphs."""
    title = htmllib.escape(str(article.get("title") or ""))
    published = article.get("published")
    dateline = (
        f'<p class="dateline"><time datetime="{published}">{published}</time></p>'
        if published
        else ""
    )
    paragraphs = "".join(
        f"<p>{htmllib.escape(line.strip())}</p>"
        for line in str(article.get("text") or "").split("\n")
        if line.strip()
    )
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><article><h1>{title}</h1>{dateline}{paragraphs}</article></body></html>"
    )


def _norm_title(value: str | None) -> str:
    return " ".join((value or "").replace("’", "'").replace("‘", "'").split()).casefold()


_Case = tuple[str, str, str | None, str | None, str | None, str | None]


def _dev_cases(shared: Path) -> list[_Case]:
    """(id, html, title, published, language, body text) for each dev article and the seed."""
    cases = []
    for path in sorted((shared / "eval" / "claims-dev").glob("*.json")):
        article = json.loads(path.read_text(encoding="utf-8"))
        page_path = path.with_suffix(".html")
        page = page_path.read_text(encoding="utf-8") if page_path.exists() else render_dev(article)
        cases.append(
            (
                path.stem,
                page,
                article.get("title"),
                article.get("published"),
                article.get("language"),
                article.get("text"),
            )
        )
    seed = shared / "fixtures" / "seed"
    gold = json.loads((seed / "gold.json").read_text(encoding="utf-8"))
    page = (seed / "page.html").read_text(encoding="utf-8")
    cases.append(
        ("seed", page, gold.get("title"), gold.get("published"), gold.get("language"), None)
    )
    return cases


def dev_accuracy(shared: Path) -> dict[str, object]:
    cases = _dev_cases(shared)
    titles = dates = languages = 0
    misses: list[str] = []
    recalls = []
    for case_id, page, title, published, lang, text in cases:
        got = parse(page)
        title_ok = _norm_title(got.title) == _norm_title(title)
        want = date.fromisoformat(published) if published else None
        date_ok = got.published == want
        titles += title_ok
        dates += date_ok
        languages += got.language == lang
        if not (title_ok and date_ok and got.language == lang):
            misses.append(
                f"{case_id}: title={got.title!r} published={got.published} language={got.language}"
            )
        if text:
            recalls.append(page_prf(*page_counts(text, got.text))[1])
    return {
        "dev_pages": len(cases),
        "title_accuracy": round(titles / len(cases), 3),
        "date_accuracy": round(dates / len(cases), 3),
        "language_accuracy": round(languages / len(cases), 3),
        "dev_body_recall": round(statistics.mean(recalls), 3) if recalls else None,
        "misses": misses,
    }


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--dump", type=Path, help="write each page's texts to this JSON file")
    opts = args.parse_args()
    shared = shared_dir()
    bench = shared / "bench" / "article-extraction"
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    paths = [str(bench / "html" / f"{key}.html.gz") for key in sorted(truth)]

    started = time.perf_counter()
    with ProcessPoolExecutor(_POOL, initializer=_warm_up) as pool:
        results = list(pool.map(_bench_page, paths, chunksize=4))
    wall = time.perf_counter() - started

    ours = score([page_counts(truth[k]["articleBody"], text) for k, text, _, _, _ in results])
    plain = score([page_counts(truth[k]["articleBody"], text) for k, _, text, _, _ in results])
    ours_s = [r[3] for r in results]
    plain_s = [r[4] for r in results]
    dev = dev_accuracy(shared)
    if opts.dump:
        opts.dump.write_text(
            json.dumps({k: {"ours": o, "plain": p} for k, o, p, _, _ in results}),
            encoding="utf-8",
        )

    print(f"pages: {len(results)}  pool: {_POOL}  wall: {wall:.1f}s")
    print(f"{'':12} {'F1':>7} {'P':>7} {'R':>7} {'median ms':>10}")
    for name, s, times in (("parse()", ours, ours_s), ("trafilatura", plain, plain_s)):
        median_ms = statistics.median(times) * 1000
        print(
            f"{name:12} {s['f1']:7.4f} {s['precision']:7.4f} {s['recall']:7.4f} {median_ms:10.1f}"
        )
    print(
        f"dev: titles {dev['title_accuracy']}  dates {dev['date_accuracy']}  "
        f"languages {dev['language_accuracy']}  of {dev['dev_pages']}"
    )
    for miss in dev["misses"]:  # type: ignore[attr-defined]
        print(f"  miss {miss}")
    figures = {
        "bench": "body_quality",
        "pages": len(results),
        "f1": ours["f1"],
        "precision": ours["precision"],
        "recall": ours["recall"],
        "trafilatura_f1": plain["f1"],
        "trafilatura_precision": plain["precision"],
        "trafilatura_recall": plain["recall"],
        "f1_gain": round(ours["f1"] - plain["f1"], 4),
        "parse_median_ms": round(statistics.median(ours_s) * 1000, 1),
        "trafilatura_median_ms": round(statistics.median(plain_s) * 1000, 1),
        "time_ratio": round(sum(ours_s) / sum(plain_s), 2),
        "title_accuracy": dev["title_accuracy"],
        "date_accuracy": dev["date_accuracy"],
        "language_accuracy": dev["language_accuracy"],
        "dev_pages": dev["dev_pages"],
        "dev_body_recall": dev["dev_body_recall"],
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
