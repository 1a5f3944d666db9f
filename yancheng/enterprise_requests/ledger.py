"""The protection ledger (赋码保护台账): per unit figures over a date range, ranked.

Interface (kept by the ledger work): compute(start: date, end: date) -> list[LedgerRow], ranked."""
