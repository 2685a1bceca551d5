"""The README leads to the docs pages, the client guide and the deploy guide, and what the
guides point at exists."""

from __future__ import annotations

import re

from tests.support import ROOT


def test_readme_links_the_docs_and_the_guides() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "http://127.0.0.1:8000/docs" in readme
    for target in ("openapi/README.md", "deploy/README.md", "Dockerfile"):
        assert f"]({target})" in readme, target


def test_local_links_in_the_guides_resolve() -> None:
    for guide in ("README.md", "openapi/README.md", "deploy/README.md"):
        path = ROOT / guide
        for target in re.findall(r"\]\(([^)#]+)\)", path.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            assert (path.parent / target).exists(), f"{guide}: {target}"
