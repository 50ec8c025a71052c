"""OneVisit common library.

Thin on purpose: settings base, database helpers, the outbox and its relay, the NATS bus and
consumer runner, errors, event contracts, internal identity, calendar and validators.
It imports no service and holds no service's business rules.
"""
