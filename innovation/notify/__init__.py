"""Notifications: an inbox in the app, email over SMTP and WhatsApp through a gateway.

``triggers`` decides who is told what from the state of the data (so a run that is repeated, or two runs at
once, find the same messages); ``services`` records each message once per (event, recipient, item) and sends
its deliveries with retries and backoff (through ``innovation.sending``, as the outbox does); ``channels`` speaks SMTP and the gateway's JSON; ``job`` runs a pass
on the job system and ``cli`` is ``flask notify run``.
"""
