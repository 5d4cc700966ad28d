"""Cross-cutting jobs: the dashboard and the nightly run (called from cron via manage.py)."""

from django.apps import apps
from django.db.models import Count, Sum
from django.utils import timezone

from billing import services as billing_services
from core.models import InvoiceStatus, Notification, OrderStatus, money
from inventory import services as inventory_services


def dashboard_stats() -> dict:
    Order = apps.get_model("orders", "Order")
    Invoice = apps.get_model("billing", "Invoice")
    Customer = apps.get_model("customers", "Customer")
    Product = apps.get_model("inventory", "Product")
    today = timezone.localdate()
    by_status = dict(Order.objects.values_list("status").annotate(n=Count("id")))
    revenue = Order.objects.filter(
        status__in=[OrderStatus.PAID, OrderStatus.SHIPPED], paid_at__date=today
    ).aggregate(total=Sum("total"))["total"]
    return {
        "orders_by_status": by_status,
        "revenue_today": money(revenue),
        "overdue_invoices": Invoice.objects.filter(status=InvoiceStatus.OVERDUE).count(),
        "blocked_customers": Customer.objects.filter(is_blocked=True).count(),
        "low_stock": len([p for p in Product.objects.filter(is_active=True) if p.needs_reorder()]),
    }


def send_pending_notifications(mailer) -> int:
    sent = 0
    for note in Notification.objects.filter(sent_at__isnull=True).order_by("created_at")[:200]:
        mailer.send_mail(note.subject, note.body, None, [note.recipient])
        note.sent_at = timezone.now()
        note.save(update_fields=["sent_at"])
        sent += 1
    return sent


def nightly(mailer) -> dict:
    return {
        "expired_orders": inventory_services.expire_reservations(),
        "reminders": billing_services.send_reminders(),
        "low_stock": inventory_services.notify_low_stock(),
        "mails": send_pending_notifications(mailer),
    }
