"""One model, many names: exact alias rules, on ids as the sources really spell them."""

from __future__ import annotations

import pytest

from pipelines.history.models import resolve


@pytest.mark.parametrize(
    "provider,model,expected",
    [
        # the same four models as spelled by pages, LiteLLM keys and OpenRouter ids in the bundled data
        ("openai", "gpt-4o", ("openai", "gpt-4o")),
        ("openrouter", "openai/gpt-4o", ("openai", "gpt-4o")),
        ("azure", "azure/gpt-4o", ("openai", "gpt-4o")),
        ("openai", "gpt-4o-2024-08-06", ("openai", "gpt-4o")),
        ("anthropic", "claude-sonnet-4-5", ("anthropic", "claude-sonnet-4-5")),
        ("anthropic", "claude-sonnet-4-5-20250929", ("anthropic", "claude-sonnet-4-5")),
        ("openrouter", "anthropic/claude-sonnet-4.5", ("anthropic", "claude-sonnet-4-5")),
        ("openrouter", "anthropic/claude-sonnet-4.5:batch", ("anthropic", "claude-sonnet-4-5")),
        ("bedrock_converse", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", ("anthropic", "claude-sonnet-4-5")),
        ("vertex_ai-anthropic_models", "vertex_ai/claude-sonnet-4-5@20250929", ("anthropic", "claude-sonnet-4-5")),
        ("google", "gemini-2.5-pro", ("google", "gemini-2.5-pro")),
        ("openrouter", "google/gemini-2.5-pro", ("google", "gemini-2.5-pro")),
        ("oci", "google.gemini-2.5-pro", ("google", "gemini-2.5-pro")),
        ("vertex_ai-language-models", "gemini-2.5-pro", ("google", "gemini-2.5-pro")),
        ("deepseek", "deepseek-chat", ("deepseek", "deepseek-chat")),
        ("openrouter", "deepseek/deepseek-chat", ("deepseek", "deepseek-chat")),
        ("anthropic", "claude-3-5-haiku-20241022", ("anthropic", "claude-3-5-haiku")),
    ],
)
def test_names_of_one_model_join(provider, model, expected):
    assert resolve(provider, model) == expected


def test_no_fuzzy_joins():
    assert resolve("openai", "gpt-5.3-codex") == ("openai", "gpt-5.3-codex")
    assert resolve("openai", "gpt-5.3-codex-mini") == ("openai", "gpt-5.3-codex-mini")
    assert resolve("openrouter", "openai/gpt-4o-mini") == ("openai", "gpt-4o-mini")


def test_unplaceable_ids_are_not_guessed():
    assert resolve("databricks", "databricks-claude-sonnet-4-5") is None
    assert resolve("together_ai", "together-ai-21.1b-41b") is None


def test_claude_sold_by_google_is_anthropics():
    from pipelines.history.models import resolve

    # genai-prices' google provider lists Claude on Vertex AI (claude-3-opus, claude-3-5-haiku): Anthropic made it
    assert resolve("google", "claude-3-opus") == ("anthropic", "claude-3-opus")
    assert resolve("google", "claude-3-5-haiku") == ("anthropic", "claude-3-5-haiku")
    assert resolve("google", "gemini-2.5-pro") == ("google", "gemini-2.5-pro")
