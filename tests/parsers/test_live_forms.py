"""Every source's live form is proven by a bundled capture of exactly that form, or said to be unproven.

The proof of a source (``Source.live_proof``) is a capture in seed/pages of the page its live URL serves, in the form
the live URL serves it (HTML, embedded JSON, the ``.md`` export…): the capture's manifest URL is one of the source's
addresses and the source's parser reads it with prices. Sources without such a capture say so in ``tokenprices
sources`` / docs/sources.md (``live form: unproven``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.cli.main import sources_markdown
from pipelines.sources.fetch import read_manifest
from pipelines.sources.registry import SOURCES, live_form_unproven, norm_url

ROOT = Path(__file__).parents[2]
PAGES = ROOT / "seed" / "pages"
MANIFEST = {c.file: c for c in read_manifest(PAGES)}
PROVEN = sorted(n for n, s in SOURCES.items() if s.live_proof)
UNPROVEN = {"moonshot_pricing_cn", "cohere_pricing", "perplexity_pricing", "zai_pricing",
            "alibaba_model_studio_pricing", "volcengine_ark_pricing", "baidu_qianfan_pricing"}


def test_every_source_declares_its_live_form():
    assert all(s.live_form for s in SOURCES.values())
    assert {n for n, s in SOURCES.items() if live_form_unproven(s)} == UNPROVEN


@pytest.mark.parametrize("name", PROVEN)
def test_live_form_proven_by_a_capture_of_that_page(name):
    s = SOURCES[name]
    if s.live_proof.startswith("seed/"):  # a dataset file, not a page capture (LiteLLM's price map)
        path, url = ROOT / s.live_proof, s.urls[0]
    else:
        path, cap = PAGES / s.live_proof, MANIFEST[s.live_proof]
        url = cap.url
        assert norm_url(url) in {norm_url(u) for u in s.urls}, f"{s.live_proof} is not a capture of a live URL of {name}"
    page = s.read(path.read_bytes(), url, offers=False)
    assert page.prices or (s.plans and page.plans), f"{name}: no prices (or plans) from its live-form capture {s.live_proof}"


def test_markdown_exports_are_the_live_urls():
    """Sites with a Markdown export (Mintlify ``<page>.md``) are fetched in that form."""
    for name in ("minimax_pricing_intl", "minimax_pricing_cn", "groq_pricing", "perplexity_pricing", "xai_pricing",
                 "moonshot_pricing_intl", "zhipu_model_pages"):
        assert all(u.endswith(".md") for u in SOURCES[name].urls), name


def test_sources_page_says_unproven():
    text = sources_markdown()
    for name in SOURCES:
        section = text.split(f"## `{name}`", 1)[1].split("\n## ", 1)[0]
        assert ("- live form: unproven:" in section) == (name in UNPROVEN), name
