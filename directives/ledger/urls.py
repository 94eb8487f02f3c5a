"""The ledger pages (under /directives/)."""

from django.urls import path

from directives.ledger import views

urlpatterns = [
    path("ledger/", views.ledger_list, name="ledger"),
    path("ledger/export.xlsx", views.ledger_export, name="ledger-export"),
    path("ledger/<int:pk>/", views.ledger_detail, name="ledger-entry"),
    path("ledger/<int:pk>/<str:step>/", views.ledger_step, name="ledger-step"),
    path("cases/<int:pk>/ledger/", views.ledger_put_on, name="ledger-put-on"),
]
