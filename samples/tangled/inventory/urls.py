from django.urls import path

from inventory import views

app_name = "inventory"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("low-stock/", views.low_stock, name="low-stock"),
    path("<str:sku>/", views.product_detail, name="product"),
    path("<str:sku>/receive/", views.receive, name="receive"),
]
