"""POST /rows/ inserts one row; GET /rows/ lists the newest 50 rows with a link to the next 50.

The list pages with DRF's cursor pagination, which counts nothing: an exact count of a
million rows alone takes PostgreSQL about 70 ms here, so no counted list of a million rows
could be a reference point.
"""

from django.urls import path
from rest_framework import generics, serializers
from rest_framework.pagination import CursorPagination

from bench.baseline.models import Row


class RowSerializer(serializers.ModelSerializer):
    class Meta:
        model = Row
        fields = ["id", "title", "body", "created_at"]


class Pages(CursorPagination):
    page_size = 50
    ordering = "-id"


class Rows(generics.ListCreateAPIView):
    queryset = Row.objects.all()
    serializer_class = RowSerializer
    pagination_class = Pages


urlpatterns = [path("rows/", Rows.as_view())]
