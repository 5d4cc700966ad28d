from django.contrib.admin.views.decorators import staff_member_required
from django.http import JsonResponse
from django.shortcuts import render

from billing.models import Invoice
from core.models import AuditLog, SiteSetting, open_orders_count
from core.services import dashboard_stats
from core.utils import paginate
from orders.models import Order


def site_settings_context(request):
    return {
        "shop_name": SiteSetting.get("SHOP_NAME", "Tangled Shop"),
        "open_orders": open_orders_count() if request.user.is_staff else None,
    }


@staff_member_required
def dashboard(request):
    stats = dashboard_stats()
    recent_orders = Order.objects.select_related("customer").order_by("-created_at")[:10]
    recent_invoices = Invoice.objects.select_related("customer").order_by("-created_at")[:10]
    return render(request, "core/dashboard.html", {
        "stats": stats, "recent_orders": recent_orders, "recent_invoices": recent_invoices,
    })


@staff_member_required
def audit_log(request):
    entries, page = paginate(AuditLog.objects.select_related("actor"), request)
    return JsonResponse({
        "page": page,
        "entries": [
            {
                "at": e.at.isoformat(), "actor": e.actor.username if e.actor else None,
                "object": f"{e.app_label}.{e.model_name}#{e.object_id}", "action": e.action,
                "payload": e.payload,
            }
            for e in entries
        ],
    })
