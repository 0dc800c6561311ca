"""tokenprices as a library: ``import tokenprices``.

    >>> import tokenprices
    >>> tokenprices.price_at("gpt-4o", "2024-06-01")[0].price("input").usd_per_mtok
    Decimal('5')
    >>> tokenprices.cost("o3", input_tokens=1_000_000, output_tokens=100_000, at="2025-06-01").usd
    Decimal('14')

Reference and examples: docs/python-api.md. The same code answers ``tokenprices price``, ``latest`` and ``bill``.
"""

from tokenprices.api import (
    ContextWindow,
    Cost,
    CostLine,
    LatestPrice,
    ModelPrices,
    Price,
    PriceNotFound,
    connect,
    cost,
    latest,
    price_at,
    request_cost,
)

__all__ = ["ContextWindow", "Cost", "CostLine", "LatestPrice", "ModelPrices", "Price", "PriceNotFound", "connect",
           "cost", "latest", "price_at", "request_cost"]
