from django.contrib import admin

from customers import services
from customers.models import Customer, CustomerNote
from orders.models import Order


class OrderInline(admin.TabularInline):
    model = Order
    extra = 0
    fields = ("number", "status", "total", "placed_at")
    readonly_fields = fields
    show_change_link = True


class NoteInline(admin.StackedInline):
    model = CustomerNote
    extra = 0
    raw_id_fields = ("order",)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "balance", "loyalty_points", "is_blocked")
    list_filter = ("is_blocked",)
    search_fields = ("name", "email")
    raw_id_fields = ("user", "address", "default_billing_account", "merged_into")
    inlines = [NoteInline, OrderInline]
    actions = ["block", "unblock"]

    @admin.action(description="Block and hold open orders")
    def block(self, request, queryset):
        for customer in queryset:
            services.block_customer(customer, "blocked by staff", actor=request.user)

    @admin.action(description="Unblock")
    def unblock(self, request, queryset):
        for customer in queryset:
            services.unblock_customer(customer, actor=request.user)
