from django.urls import path

from customers import views

app_name = "customers"

urlpatterns = [
    path("me/", views.me, name="me"),
    path("me/reorder/", views.reorder, name="reorder"),
    path("search/", views.search, name="search"),
    path("<int:primary_id>/merge/<int:duplicate_id>/", views.merge, name="merge"),
    path("<int:customer_id>/erase/", views.erase, name="erase"),
]
