"""Page-number pagination with the contract's ``page_size`` cap (API.md: max 200).

A page size that is not a whole number from 1 to 200 is refused with 400 rather than
silently clamped, so a client never mistakes a short page for the whole list.
"""

import re
from typing import Protocol

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, QuerySet, Window
from rest_framework import pagination

from common.errors import ValidationFailed

# ASCII digits only: str.isdigit() also accepts "²" and other digits int() refuses.
_WHOLE_NUMBER = re.compile(r"[0-9]{1,4}")


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not _WHOLE_NUMBER.fullmatch(raw) or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationFailed(
                code="invalid_page_size",
                detail=f"page_size must be a whole number from 1 to {self.max_page_size}.",
            )
        return int(raw)


class CountedRows(Protocol):
    """A list that is not a query set, paged by :class:`WindowCountPagination`: each page is
    read with the count of all rows; ``count()`` alone only for a page past the end."""

    def rows_with_count(self, start: int, stop: int) -> tuple[list, int | None]:
        """Rows ``start`` to ``stop`` and the count of all rows (None when there is no row)."""

    def count(self) -> int: ...


class _WindowCountPaginator(Paginator):
    """Counts with the page's own query (``COUNT(*) OVER ()``) instead of a second one."""

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        bottom = (number - 1) * self.per_page
        rows, count = _rows_with_count(self.object_list, bottom, bottom + self.per_page)
        if rows:
            self.count = count
        elif number > 1:
            # Past the last page: the count the error needs takes the second query after all.
            self.count = self.object_list.count()
            raise EmptyPage(self.error_messages["no_results"])
        else:
            self.count = 0
        return self._get_page(rows, number, self)


def _rows_with_count(object_list, start: int, stop: int) -> tuple[list, int | None]:
    if isinstance(object_list, QuerySet):
        counted = object_list.annotate(_window_count=Window(Count("pk")))
        rows = list(counted[start:stop])
        return rows, rows[0]._window_count if rows else None
    return object_list.rows_with_count(start, stop)


class WindowCountPagination(PageNumberPagination):
    """For lists whose database must find every match before it can send the first row (a
    search sorted by relevance): the total rides on the page's query, so the matching runs
    once rather than again for a separate ``COUNT``. Not for a list read in index order up to
    its page's last row, which a window count would make read to the end. The list is a query
    set or a :class:`CountedRows`."""

    django_paginator_class = _WindowCountPaginator
