"""The protection ledger pages (赋码保护台账): filled in by the ledger work."""

urlpatterns = []
