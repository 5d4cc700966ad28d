from django.contrib import admin
from django.urls import include, path

from core import views as core_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", core_views.dashboard, name="dashboard"),
    path("core/", include("core.urls")),
    path("customers/", include("customers.urls")),
    path("orders/", include("orders.urls")),
    path("billing/", include("billing.urls")),
    path("inventory/", include("inventory.urls")),
]
