"""A small transactional outbox: operations record domain events in the same transaction as the change;
consumers (the webhooks) turn each event into deliveries, sent by a job with retries and backoff.
``services`` holds emit and the runner, which sends through ``innovation.sending`` (the mechanism the
notifications' email and WhatsApp deliveries use too); ``job`` hands the runner to the job system."""
