"""Notification pages, mounted under /notifications/."""

from django.urls import path

from notifications import views

urlpatterns = [
    path("", views.notification_list, name="notification-list"),
    path("read-all/", views.notification_read_all, name="notification-read-all"),
    path("<int:notification_id>/read/", views.notification_read, name="notification-read"),
    path("preferences/", views.preference_page, name="notification-preferences"),
]
