-- A figure's list of every claim behind it is read from `claim` when the figure is served
-- (service/figures/queries.py), not kept with the figure: storing one more source used to
-- rewrite every earlier source's evidence with it.
ALTER TABLE figure DROP COLUMN support;

-- The claims of one figure's key, in the order the support list shows them.
CREATE INDEX claim_figure_key ON claim (company_id, year, category, status)
    WHERE period = 'year';
