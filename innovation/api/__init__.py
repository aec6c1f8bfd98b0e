"""The read API for other systems (``/api/v1``): innovations with their indicator scores, OPDs, events and
published results, the district index; its OpenAPI 3.1 document and reference page; API tokens; outgoing
webhooks."""
