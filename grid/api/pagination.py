"""Page-number pagination of the API: ?page=N&page_size=M (max 200)."""

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from grid.pagination import COUNT_CAP, CappedPaginator


class StandardPagination(PageNumberPagination):
    """Lists that stay short (regions, units, people): counted exactly."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class CappedPagination(StandardPagination):
    """Lists that grow without end (cases): counted at most ``COUNT_CAP`` past the page.

    ``count_exact`` says whether ``count`` is the list's length or the list is longer; ``next``
    is there while there is a next page, past the counted range too.
    """

    django_paginator_class = CappedPaginator
    last_page_strings = ()  # the last page of a list not counted to its end is not known

    def get_paginated_response(self, data) -> Response:
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_exact": paginator.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        response = super().get_paginated_response_schema(schema)
        response["properties"] = {
            "count": response["properties"]["count"],
            "count_exact": {
                "type": "boolean",
                "description": "False if the list holds more than `count` items: counting "
                f"stops {COUNT_CAP:,} items past the first item of the page asked for.",
                "example": True,
            },
            **{k: v for k, v in response["properties"].items() if k != "count"},
        }
        response["required"] = ["count", "count_exact", "results"]
        return response
