from django.contrib import admin

from billing.models import BillingAccount, CreditNote, Invoice, Payment
from core.models import InvoiceStatus, OrderStatus
from orders.models import Order


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    raw_id_fields = ("order",)


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ("number", "customer", "order", "status", "amount", "due_date")
    list_filter = ("status",)
    search_fields = ("number", "customer__email", "order__number")
    raw_id_fields = ("order", "customer", "account")
    inlines = [PaymentInline]
    actions = ["write_off"]

    @admin.action(description="Write off (void invoice, cancel order)")
    def write_off(self, request, queryset):
        for invoice in queryset:
            invoice.status = InvoiceStatus.VOID
            invoice.save()
            order = Order.objects.get(pk=invoice.order_id)
            order.status = OrderStatus.CANCELLED
            order.save()


@admin.register(BillingAccount)
class BillingAccountAdmin(admin.ModelAdmin):
    list_display = ("__str__", "customer", "vat_number", "payment_terms_days")
    raw_id_fields = ("customer", "billing_address")


admin.site.register(CreditNote)
