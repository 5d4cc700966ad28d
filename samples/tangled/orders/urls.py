from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("", views.order_list, name="list"),
    path("checkout/", views.checkout, name="checkout"),
    path("unpaid/", views.unpaid, name="unpaid"),
    path("<str:number>/", views.order_detail, name="detail"),
    path("<str:number>/cancel/", views.cancel, name="cancel"),
    path("<str:number>/ship/", views.ship, name="ship"),
]
