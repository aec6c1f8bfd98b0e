"""A small transactional outbox: operations record domain events in the same transaction as the change;
consumers (webhooks now, notifications later) turn each event into deliveries, sent by a job with retries
and backoff. ``services`` holds emit and the runner; ``job`` hands the runner to the job system."""
