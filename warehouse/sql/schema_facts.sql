-- Model facts stated by pages and price APIs (context window, maximum output, modalities, dates), written by
-- staging/price_quotes in the same pass as the quotes: a partition's rows are replaced per source.
-- Vocabulary: pipelines/sources/base.py FACT_KINDS; docs/model-facts.md.
CREATE TABLE IF NOT EXISTS staging.model_facts (
    partition_date   DATE NOT NULL,
    observed_at      TIMESTAMP NOT NULL,   -- UTC; capture date for replayed pages
    source           VARCHAR NOT NULL,
    provider         VARCHAR NOT NULL,     -- seller slug
    model            VARCHAR NOT NULL,     -- seller's API model id
    fact             VARCHAR NOT NULL,     -- context_window | max_output_tokens | input_modalities | output_modalities |
                                           -- deprecation_date | retirement_date
    value            VARCHAR NOT NULL,     -- tokens as digits, modalities as a sorted comma list, dates ISO
    stated           VARCHAR NOT NULL,     -- the page's own text ('128K', '262,144 tokens')
    source_url       VARCHAR NOT NULL,
    snapshot_sha256  VARCHAR NOT NULL,
    location         VARCHAR               -- table/row/cell on the page
);
