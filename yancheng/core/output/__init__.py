"""Output every app shares: Excel, PDF fonts and QR codes. An app imports these from here, never
from another domain app (architecture.md, "Patterns for the second wave")."""
