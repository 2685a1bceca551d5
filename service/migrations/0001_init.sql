-- Companies: the shipped registry plus spenders first seen in an article (verified = false).
CREATE TABLE company (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$'),
    name text NOT NULL,
    kind text NOT NULL DEFAULT 'company',
    tickers text[] NOT NULL DEFAULT '{}',
    wikidata text,
    fiscal_year_end_month smallint NOT NULL DEFAULT 12 CHECK (fiscal_year_end_month BETWEEN 1 AND 12),
    parent_id bigint REFERENCES company (id),
    country text,
    verified boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE company_alias (
    company_id bigint NOT NULL REFERENCES company (id) ON DELETE CASCADE,
    alias text NOT NULL,
    -- NFKC + casefold, computed by the service; one company per spelling.
    folded text NOT NULL UNIQUE,
    source text NOT NULL DEFAULT 'registry' CHECK (source IN ('registry', 'admin', 'extracted')),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX company_alias_company ON company_alias (company_id);
CREATE INDEX company_name_search ON company USING gin (to_tsvector('simple', name));

-- The article is also the job: a queued row is work to do (see service/jobs/queue.py).
CREATE TABLE article (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url text NOT NULL,
    url_key text NOT NULL UNIQUE,
    canonical_url text,
    source text NOT NULL CHECK (source IN ('fetch', 'submitted')),
    status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'fetching', 'parsed', 'failed')),
    error_code text,
    error_message text,
    title text,
    authors text[] NOT NULL DEFAULT '{}',
    published date,
    -- The date a partner gave with submitted HTML; it wins over what the page says.
    published_hint date,
    language text,
    body text,
    body_hash text,
    -- The earlier article with the same body or canonical URL: a syndicated copy is not a new source.
    duplicate_of bigint REFERENCES article (id) ON DELETE SET NULL,
    raw_html bytea,
    raw_encoding text,
    claim_count integer NOT NULL DEFAULT 0,
    extractor_version text,
    attempts integer NOT NULL DEFAULT 0,
    run_at timestamptz NOT NULL DEFAULT now(),
    lease_token uuid,
    lease_expires_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    fetched_at timestamptz,
    parsed_at timestamptz,
    search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(body, '')), 'B')
    ) STORED
);
CREATE INDEX article_queue ON article (run_at, id) WHERE status = 'queued';
CREATE INDEX article_lease ON article (lease_expires_at) WHERE status = 'fetching';
CREATE INDEX article_status ON article (status, id);
CREATE INDEX article_published ON article (published, id);
CREATE INDEX article_search ON article USING gin (search);
CREATE INDEX article_body_hash ON article (body_hash);
CREATE INDEX article_canonical ON article (canonical_url);

CREATE TABLE claim (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id bigint NOT NULL REFERENCES article (id) ON DELETE CASCADE,
    company_id bigint REFERENCES company (id),
    group_name text,
    amount_low bigint NOT NULL CHECK (amount_low >= 0),
    amount_high bigint NOT NULL,
    currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    year integer,
    fiscal boolean NOT NULL DEFAULT false,
    period text CHECK (period IN ('year', 'quarter', 'half', 'multi_year')),
    quarter smallint CHECK (quarter BETWEEN 1 AND 4),
    category text NOT NULL
        CHECK (category IN ('capex', 'ai_infrastructure', 'r_and_d', 'investment', 'acquisition', 'other')),
    status text NOT NULL CHECK (status IN ('actual', 'planned', 'estimate')),
    evidence_text text NOT NULL,
    evidence_start integer NOT NULL,
    evidence_end integer NOT NULL,
    confidence real NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    extractor_version text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (amount_high >= amount_low),
    CHECK (company_id IS NOT NULL OR group_name IS NOT NULL),
    CHECK (evidence_end >= evidence_start)
);
CREATE INDEX claim_article ON claim (article_id);
CREATE INDEX claim_company_year ON claim (company_id, year, id);
CREATE INDEX claim_year ON claim (year, id);
CREATE INDEX claim_group ON claim (group_name, id) WHERE group_name IS NOT NULL;

-- Which registry file was last copied into the company tables (see service/companies/sync.py).
CREATE TABLE registry_state (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    checksum text NOT NULL,
    synced_at timestamptz NOT NULL DEFAULT now()
);
