"""Page-number pagination with the contract's ``page_size`` cap (API.md: max 200).

A page size that is not a whole number from 1 to 200 is refused with 400 rather than
silently clamped, so a client never mistakes a short page for the whole list.
"""

import re

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
