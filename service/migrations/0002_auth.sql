-- Partner access: API keys, shared rate-limit counters, idempotent replays (service/auth).
CREATE TABLE api_key (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    -- The key's first characters: how a presented key finds its row, and how people tell keys apart.
    prefix text NOT NULL UNIQUE,
    -- HMAC-SHA256 of the whole key with the server's pepper; the key itself is never stored.
    secret_hash text NOT NULL,
    scopes text[] NOT NULL
        CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['read', 'ingest', 'admin']::text[]),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    revoked_at timestamptz,
    last_used_at timestamptz,
    -- Set when the key was rotated: the key that replaces it.
    rotated_to bigint REFERENCES api_key (id)
);

-- One row per bucket (key or client IP, and policy) and fixed window; rows are counters, not logs.
-- Unlogged: a crash may forget the current window's counts, which only errs in the caller's favour.
CREATE UNLOGGED TABLE rate_limit_counter (
    bucket text NOT NULL,
    window_start timestamptz NOT NULL,
    hits integer NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_limit_counter_window ON rate_limit_counter (window_start);

-- The first response to a request sent with an Idempotency-Key, replayed for 24 hours.
CREATE TABLE idempotency_record (
    api_key_id bigint NOT NULL REFERENCES api_key (id) ON DELETE CASCADE,
    idempotency_key text NOT NULL,
    request_hash text NOT NULL,
    -- NULL while the first request is still running.
    status integer,
    headers jsonb,
    body bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (api_key_id, idempotency_key)
);
CREATE INDEX idempotency_record_created ON idempotency_record (created_at);
