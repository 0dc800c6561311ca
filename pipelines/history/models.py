"""One model, many names: exact rules from a seller's model id to the model's identity (creator, model).

A price row is keyed by its seller (``provider``) and the seller's id (``model``): ``("openrouter",
"openai/gpt-4o")``, ``("bedrock_converse", "us.anthropic.claude-sonnet-4-5-20250929-v1:0")``,
``("anthropic", "claude-sonnet-4-5")``. :func:`resolve` maps each to the creator's canonical id —
``("openai", "gpt-4o")``, ``("anthropic", "claude-sonnet-4-5")`` — by these rules, in order, all exact:

1. a routing path keeps its last segment, or the last two when the one before is a creator organisation
   (OpenRouter style ``openai/gpt-4o``; :data:`CREATOR_ORGS`);
2. a cloud vendor prefix names the creator (Bedrock / OCI ``[region.]anthropic.claude-…``; :data:`VENDOR_PREFIX`);
3. deployment suffixes go: Bedrock ``-v1:0``, Vertex ``@20250929``, OpenRouter variants ``:free`` ``:batch`` …;
4. a trailing snapshot date goes: ``-20241022``, ``-2024-08-06``, ``-0528`` (4 digits, MMDD or YYMM);
5. Claude names use dashes (``claude-sonnet-4.5`` -> ``claude-sonnet-4-5``, OpenRouter's spelling);
6. the creator, if not known yet, is the seller when the seller makes models under its own name
   (:data:`pipelines.config.SELF_NAMED_SELLERS`), else the id's family prefix (:data:`FAMILY_CREATORS`: ``gpt-`` ->
   openai, ``claude`` -> anthropic, …); a model maker that also resells others' models (:data:`ALSO_RESELLS`:
   Google's Vertex AI sells Claude and Llama) is the creator only of ids no other family claims (``claude-3-opus``
   sold by ``google`` is Anthropic's).

Nothing is matched by similarity: ``gpt-5.3-codex`` and ``gpt-5.3-codex-mini`` stay two models. An id no rule
places is returned as None and listed in ``marts.unmatched_aliases``.
"""

from __future__ import annotations

import re

from pipelines.config import SELF_NAMED_SELLERS

#: OpenRouter-style organisation path segments -> creator slug (https://openrouter.ai/models).
CREATOR_ORGS: dict[str, str] = {
    "openai": "openai",
    "anthropic": "anthropic",
    "google": "google",
    "deepseek": "deepseek",
    "deepseek-ai": "deepseek",
    "mistralai": "mistral",
    "mistral": "mistral",
    "x-ai": "xai",
    "xai": "xai",
    "meta-llama": "meta",
    "meta": "meta",
    "qwen": "alibaba",
    "moonshotai": "moonshot",
    "minimax": "minimax",
    "minimaxai": "minimax",
    "cohere": "cohere",
    "z-ai": "zai",
    "zai-org": "zai",
    "thudm": "zhipu",
    "amazon": "amazon",
    "perplexity": "perplexity",
    "baidu": "baidu",
    "bytedance": "bytedance",
    "microsoft": "microsoft",
    "nvidia": "nvidia",
    "ai21": "ai21",
}
#: first-party sellers that also resell other makers' models under those makers' ids (Vertex AI Model Garden,
#: Bedrock, Model Studio, Qianfan): their ids are theirs only when no other family prefix claims them.
ALSO_RESELLS = frozenset({"google", "amazon", "alibaba", "baidu"})
#: model-family prefixes -> creator, for ids sold by third parties without an organisation path.
FAMILY_CREATORS: tuple[tuple[str, str], ...] = (
    ("gpt-", "openai"), ("chatgpt-", "openai"), ("o1", "openai"), ("o3", "openai"), ("o4", "openai"),
    ("text-embedding-", "openai"), ("davinci", "openai"), ("babbage", "openai"), ("codex-", "openai"),
    ("claude", "anthropic"),
    ("gemini", "google"), ("gemma", "google"),
    ("deepseek", "deepseek"),
    ("mistral", "mistral"), ("mixtral", "mistral"), ("open-mistral", "mistral"), ("open-mixtral", "mistral"),
    ("codestral", "mistral"), ("pixtral", "mistral"), ("ministral", "mistral"), ("magistral", "mistral"),
    ("devstral", "mistral"), ("voxtral", "mistral"),
    ("grok", "xai"),
    ("command", "cohere"), ("c4ai-", "cohere"), ("aya-", "cohere"),
    ("llama", "meta"), ("meta-llama", "meta"),
    ("qwen", "alibaba"), ("qwq", "alibaba"),
    ("kimi", "moonshot"), ("moonshot-", "moonshot"),
    ("glm", "zhipu"), ("ernie", "baidu"), ("doubao", "bytedance"),
    ("minimax", "minimax"), ("abab", "minimax"),
    ("sonar", "perplexity"), ("nova-", "amazon"),
)
VENDOR_PREFIX = re.compile(
    r"^(?:[a-z]{2,3}(?:-[a-z]+)?\.|global\.)?"
    r"(anthropic|meta|amazon|mistral|cohere|ai21|google|openai|deepseek|qwen|xai|moonshotai|minimax)\.(.+)$"
)
_DEPLOYMENT = re.compile(r"(-v\d+(?::\d+)?|@\d{8}|@latest|:(?:free|batch|beta|extended|thinking|nitro|floor|online|exacto))$")
_SNAPSHOT = re.compile(r"-(?:\d{8}|\d{4}-\d{2}-\d{2}|\d{4})$")
_VENDOR_CREATOR = {"qwen": "alibaba", "moonshotai": "moonshot"}


def resolve(provider: str, model: str) -> tuple[str, str] | None:
    """``(creator, canonical_model)`` for a seller's model id, by the module's rules; None if no rule places it."""
    name = model.strip().lower()
    creator: str | None = None
    parts = [p for p in name.split("/") if p]
    if not parts:
        return None
    if len(parts) >= 2 and parts[-2] in CREATOR_ORGS:
        creator, name = CREATOR_ORGS[parts[-2]], parts[-1]
    else:
        name = parts[-1]
    m = VENDOR_PREFIX.match(name)
    if m:
        creator = creator or _VENDOR_CREATOR.get(m.group(1), m.group(1))
        name = m.group(2)
    prev = None
    while prev != name:  # suffixes can stack: "...-20250929-v1:0"
        prev = name
        name = _DEPLOYMENT.sub("", name)
        name = _SNAPSHOT.sub("", name)
    if name.startswith("claude"):
        name = name.replace(".", "-")
    if creator is None and provider in ALSO_RESELLS:
        family = next((c for prefix, c in FAMILY_CREATORS if name.startswith(prefix)), None)
        creator = family if family not in (None, provider) else None
    if creator is None:
        if provider in SELF_NAMED_SELLERS:
            creator = provider
        else:
            creator = next((c for prefix, c in FAMILY_CREATORS if name.startswith(prefix)), None)
    if creator is None or not name:
        return None
    return creator, name
