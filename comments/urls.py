from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("<int:pk>/report/", views.ReportView.as_view(), name="report"),
    path(
        "notifications/confirm/<str:token>/",
        views.ConfirmNotificationsView.as_view(),
        name="confirm_notifications",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        views.UnsubscribeView.as_view(),
        name="unsubscribe",
    ),
]
