-- An idle job runner sleeps until the next job is due: a queued one's run_at (jobs_due), or the end
-- of a running one's lease, when a dead worker's job may be taken. The lease ends are read by this
-- index rather than through jobs_due, which also holds every queued job.
CREATE INDEX jobs_lease_ends ON jobs (locked_until) WHERE status = 'running';
