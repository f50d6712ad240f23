-- The safety index's uncertainty analysis, kept with each computed run: every unit's median rank and its
-- 5th–95th percentile rank interval over the Monte Carlo replications (weight noise and method choices),
-- and on the run the replications' settings and each uncertain input's first-order sensitivity index.
ALTER TABLE index_result ADD COLUMN rank_median double precision;
ALTER TABLE index_result ADD COLUMN rank_p05 double precision;
ALTER TABLE index_result ADD COLUMN rank_p95 double precision;
ALTER TABLE index_run ADD COLUMN uncertainty jsonb;
