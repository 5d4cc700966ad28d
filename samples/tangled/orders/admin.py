from django.contrib import admin, messages

from billing import services as billing_services
from billing.models import Invoice
from core.models import OrderStatus, PaymentMethod
from orders import services
from orders.models import Coupon, Order, OrderLine


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    raw_id_fields = ("product",)


class InvoiceInline(admin.TabularInline):
    model = Invoice
    fk_name = "order"
    extra = 0
    fields = ("number", "status", "amount", "due_date")
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("number", "customer", "status", "total", "placed_at")
    list_filter = ("status",)
    search_fields = ("number", "customer__email")
    raw_id_fields = ("customer", "shipping_address", "invoice")
    inlines = [OrderLineInline, InvoiceInline]
    actions = ["mark_paid_by_bank", "ship_selected", "put_on_hold"]

    @admin.action(description="Record full bank payment")
    def mark_paid_by_bank(self, request, queryset):
        for order in queryset.exclude(invoice=None):
            billing_services.record_payment(
                order.invoice, order.invoice.outstanding, PaymentMethod.BANK_TRANSFER,
                reference="admin", actor=request.user,
            )
        messages.success(request, "Payments recorded.")

    @admin.action(description="Ship selected orders")
    def ship_selected(self, request, queryset):
        for order in queryset:
            try:
                services.ship_order(order, actor=request.user)
            except services.OrderError as exc:
                messages.error(request, str(exc))

    @admin.action(description="Put on hold")
    def put_on_hold(self, request, queryset):
        queryset.update(status=OrderStatus.ON_HOLD)


admin.site.register(Coupon)
