"""One way to page through a list, for every list of the API: at most MAX_LIMIT items a page, and an
offset bounded too, so that no number reaches the database that it cannot hold (a 422, not a 500)."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 200
MAX_OFFSET = 1_000_000  # far past the end of any list the platform holds


class PageIn(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"每页条数（1–{MAX_LIMIT}）")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过的条数")


class Page(LimitOffsetPagination):
    """For `@paginate(Page)`: lists whose items are the records themselves."""

    Input = PageIn

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


def page_of(found, page: PageIn, out) -> dict:
    """A page of a queryset for lists whose items are built by `out`: only the page is loaded and
    converted (the office's lists hold every record of the city)."""
    return {"count": found.count(), "items": [out(x) for x in found[page.offset : page.offset + page.limit]]}
