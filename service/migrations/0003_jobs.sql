-- Every attempt at an article is kept: who took it, when, how it ended and why.
-- An attempt is one lease; its token ties the row to the worker that held it, so a
-- stale worker's late write (its lease long gone) matches nothing here either.
CREATE TABLE article_attempt (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id bigint NOT NULL REFERENCES article (id) ON DELETE CASCADE,
    attempt integer NOT NULL,
    lease_token uuid NOT NULL UNIQUE,
    worker text NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    outcome text CHECK (outcome IN ('parsed', 'failed', 'retry', 'lease_expired', 'released')),
    error_code text,
    error_message text,
    retry_at timestamptz,
    CHECK ((finished_at IS NULL) = (outcome IS NULL))
);
CREATE INDEX article_attempt_article ON article_attempt (article_id, id);

-- `POST /v1/articles/{id}/retry` gives a failed article a fresh run of attempts; the
-- attempts made before it stay counted in `attempts` and listed in article_attempt.
ALTER TABLE article ADD COLUMN attempts_before_retry integer NOT NULL DEFAULT 0;
