"""Output every app shares: Excel, PDF fonts and QR codes, GB/T 9704 official documents. An app imports these from here, never
from another domain app (architecture.md, "Patterns for the second wave")."""
