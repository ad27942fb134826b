from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("<int:pk>/report/", views.ReportView.as_view(), name="report"),
]
