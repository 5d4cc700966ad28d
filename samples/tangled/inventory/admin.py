from django.contrib import admin

from inventory import services
from inventory.models import Product, Reservation, StockMovement, Warehouse


class MovementInline(admin.TabularInline):
    model = StockMovement
    extra = 0
    raw_id_fields = ("order",)
    readonly_fields = ("kind", "quantity", "order", "note", "created_at")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("sku", "name", "price", "stock", "reorder_level", "is_active")
    list_filter = ("is_active", "warehouse")
    search_fields = ("sku", "name")
    inlines = [MovementInline]
    actions = ["expire_now"]

    @admin.action(description="Expire stale reservations (all products)")
    def expire_now(self, request, queryset):
        n = services.expire_reservations()
        self.message_user(request, f"{n} orders cancelled")


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin):
    list_display = ("order_line", "product", "quantity", "expires_at")
    raw_id_fields = ("order_line", "product")


admin.site.register(Warehouse)
