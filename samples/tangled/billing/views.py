from django.contrib.admin.views.decorators import staff_member_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from billing import services
from billing.models import Invoice
from core.models import InvoiceStatus, PaymentMethod
from orders.models import Order, OrderLine


@staff_member_required
def invoice_list(request):
    qs = Invoice.objects.select_related("customer", "order")
    if status := request.GET.get("status"):
        qs = qs.filter(status=status)
    return JsonResponse({"invoices": [
        {"number": i.number, "order": i.order.number, "customer": i.customer.email,
         "status": i.status, "amount": str(i.amount), "outstanding": str(i.outstanding)}
        for i in qs[:200]
    ]})


@staff_member_required
@require_POST
def pay(request, number):
    invoice = get_object_or_404(Invoice, number=number)
    method = request.POST.get("method", PaymentMethod.CARD)
    try:
        payment = services.record_payment(
            invoice, request.POST["amount"], method, request.POST.get("reference", ""),
            actor=request.user,
        )
    except (KeyError, services.BillingError) as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    order = Order.objects.get(pk=invoice.order_id)
    return JsonResponse({"payment": payment.pk, "invoice": invoice.status, "order": order.status})


@staff_member_required
@require_POST
def refund_line(request, line_id):
    line = get_object_or_404(OrderLine, pk=line_id)
    try:
        note = services.issue_credit_note(
            line, int(request.POST.get("quantity", line.quantity)),
            request.POST.get("reason", "refund"), restock=request.POST.get("restock") != "0",
        )
    except (ValueError, services.BillingError) as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse({"credit_note": note.pk, "amount": str(note.amount)})


@staff_member_required
def overdue(request):
    rows = Invoice.objects.filter(status=InvoiceStatus.OVERDUE).select_related("customer")
    return JsonResponse({"overdue": [
        {"number": i.number, "customer": i.customer.email, "blocked": i.customer.is_blocked,
         "outstanding": str(i.outstanding)}
        for i in rows
    ]})
