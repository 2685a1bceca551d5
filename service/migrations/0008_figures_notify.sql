-- Whatever changes what a total adds up (a figure, a company's name or slug, an exchange
-- rate) tells listeners so, once per transaction, when it commits: API processes keep
-- computed totals until then (service/totals/cache.py).
CREATE FUNCTION notify_totals_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('outlay_totals', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER figure_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON figure
    FOR EACH STATEMENT EXECUTE FUNCTION notify_totals_changed();
CREATE TRIGGER company_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON company
    FOR EACH STATEMENT EXECUTE FUNCTION notify_totals_changed();
CREATE TRIGGER fx_rate_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON fx_rate
    FOR EACH STATEMENT EXECUTE FUNCTION notify_totals_changed();
