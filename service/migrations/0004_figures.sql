-- Figures: one current number per company, year, category and status, kept fresh by the
-- transaction that changes an article's claims (service/figures/refresh.py).

-- Yearly average exchange rates, copied from service/figures/rates.json at start.
CREATE TABLE fx_rate (
    currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    year integer NOT NULL,
    -- Units of `currency` that one US dollar bought, on average over the year.
    per_usd numeric NOT NULL CHECK (per_usd > 0),
    PRIMARY KEY (currency, year)
);

CREATE TABLE fx_state (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    checksum text NOT NULL,
    synced_at timestamptz NOT NULL DEFAULT now()
);

-- The rate for a currency and year: that year's, else the nearest year the table has (the
-- current year, before its average is published, takes the latest). NULL for an unknown
-- currency.
CREATE FUNCTION fx_per_usd(currency text, year integer) RETURNS numeric
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN $1 = 'USD' THEN 1::numeric ELSE (
        SELECT r.per_usd FROM fx_rate r WHERE r.currency = $1
        ORDER BY abs(r.year - coalesce($2, 9999)), r.year DESC LIMIT 1
    ) END
$$;

CREATE FUNCTION fx_rate_year(currency text, year integer) RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT r.year FROM fx_rate r WHERE r.currency = $1
    ORDER BY abs(r.year - coalesce($2, 9999)), r.year DESC LIMIT 1
$$;

CREATE FUNCTION usd(amount bigint, currency text, year integer) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT round($1 / fx_per_usd($2, $3))::bigint
$$;

CREATE TABLE figure (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id bigint NOT NULL REFERENCES company (id) ON DELETE CASCADE,
    year integer NOT NULL,
    category text NOT NULL,
    status text NOT NULL,
    -- The current value: the claim of the most recently published source.
    amount_low bigint NOT NULL,
    amount_high bigint NOT NULL,
    currency text NOT NULL,
    usd_low bigint,
    usd_high bigint,
    claim_id bigint NOT NULL,
    -- Checked at commit: the transaction that deletes an article recomputes its figures
    -- before then, so a figure never names an article that is gone.
    article_id bigint NOT NULL REFERENCES article (id) DEFERRABLE INITIALLY DEFERRED,
    published date,
    -- Claims behind it from independent articles (syndicated copies left out).
    claims integer NOT NULL,
    -- Every article behind it, copies included, and the independent ones among them.
    article_ids bigint[] NOT NULL,
    origin_ids bigint[] NOT NULL,
    conflict boolean NOT NULL DEFAULT false,
    conflicts jsonb NOT NULL DEFAULT '[]',
    history jsonb NOT NULL DEFAULT '[]',
    support jsonb NOT NULL DEFAULT '[]',
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (company_id, year, category, status)
);
CREATE INDEX figure_articles ON figure USING gin (article_ids);
CREATE INDEX figure_year ON figure (year, company_id);
CREATE INDEX figure_conflicts ON figure (id) WHERE conflict;

-- For a year that has ended the actual figure is the one of record; before that, the
-- company's own plan, then an analyst's estimate. Decided on read, since years end.
CREATE FUNCTION figure_record_rank(status text, year integer) RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN $1 = 'actual' AND $2 < extract(year FROM current_date) THEN 0
        WHEN $1 = 'planned' THEN 1
        WHEN $1 = 'actual' THEN 2
        ELSE 3 END
$$;
