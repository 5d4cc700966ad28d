import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from billing.models import Invoice, Payment
from core.utils import paginate
from customers.models import Customer
from orders import services
from orders.models import Order


def _order_json(order: Order) -> dict:
    invoice = order.invoice
    return {
        "number": order.number,
        "status": order.status,
        "customer": order.customer.email,
        "lines": [
            {"sku": l.product.sku, "quantity": l.quantity, "unit_price": str(l.unit_price),
             "reserved": l.reserved}
            for l in order.lines.select_related("product")
        ],
        "subtotal": str(order.subtotal),
        "discount": str(order.discount),
        "tax": str(order.tax),
        "total": str(order.total),
        "invoice": invoice.number if invoice else None,
        "paid": str(order.amount_paid),
        "payments": [
            {"amount": str(p.amount), "method": p.method, "at": p.received_at.isoformat()}
            for p in Payment.objects.filter(order=order)
        ],
    }


@login_required
def order_list(request):
    qs = Order.objects.select_related("customer").order_by("-created_at")
    if status := request.GET.get("status"):
        qs = qs.filter(status=status)
    if not request.user.is_staff:
        qs = qs.filter(customer__user=request.user)
    orders, page = paginate(qs, request)
    return JsonResponse({"page": page, "orders": [
        {"number": o.number, "status": o.status, "total": str(o.total)} for o in orders
    ]})


@login_required
def order_detail(request, number):
    order = get_object_or_404(Order, number=number)
    if not request.user.is_staff and order.customer.user_id != request.user.id:
        return JsonResponse({"error": "not yours"}, status=403)
    return JsonResponse(_order_json(order))


@login_required
@require_POST
def checkout(request):
    customer = get_object_or_404(Customer, user=request.user)
    try:
        body = json.loads(request.body)
        items = [services.Item(sku=i["sku"], quantity=int(i["quantity"])) for i in body["items"]]
    except (ValueError, KeyError, TypeError):
        return HttpResponseBadRequest("expected {items: [{sku, quantity}]}")
    try:
        order = services.place_order(customer, items, coupon_code=body.get("coupon", ""),
                                     actor=request.user)
    except services.OrderError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(_order_json(order), status=201)


@login_required
@require_POST
def cancel(request, number):
    order = get_object_or_404(Order, number=number)
    try:
        services.cancel_order(order, request.POST.get("reason", "customer request"),
                              actor=request.user)
    except services.OrderError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(_order_json(order))


@login_required
@require_POST
def ship(request, number):
    if not request.user.is_staff:
        return JsonResponse({"error": "staff only"}, status=403)
    order = get_object_or_404(Order, number=number)
    try:
        services.ship_order(order, actor=request.user)
    except services.OrderError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(_order_json(order))


@login_required
def unpaid(request):
    rows = services.orders_awaiting_payment(days=int(request.GET.get("days", 7)))
    invoices = {i.order_id: i for i in Invoice.objects.filter(order__in=rows)}
    return JsonResponse({"orders": [
        {"number": o.number, "invoice": invoices[o.pk].number if o.pk in invoices else None}
        for o in rows
    ]})
