-- Version 8: a pipeline run keeps the trace context of its own span, so that the span, planned when
-- the run starts, can be emitted by whichever node ends the run, and every advance of the run (a
-- worker's outcome, the leader's sweep) enqueues its steps as children of that span. Both columns
-- are null for a run started while traces were off, and for every run from before this version.
-- Nullable columns added last: InnoDB adds them in place, without copying the table.

ALTER TABLE bulwark_pipeline_runs
    -- The run span's W3C traceparent ('00-<trace id>-<span id>-<flags>', 55 characters), of the
    -- run's current generation: a retry gives the next generation a span of its own.
    ADD COLUMN traceparent    VARCHAR(64),
    -- The span id of the span that started the run (the request, or the parent run of a
    -- sub-pipeline), which the run's span is a child of; null when the run's span is a root.
    ADD COLUMN parent_span_id VARCHAR(32);
