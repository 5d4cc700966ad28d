from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from billing.services import outstanding_balance
from customers import services
from customers.models import Customer
from orders.models import Order


@login_required
def me(request):
    customer = get_object_or_404(Customer, user=request.user)
    return JsonResponse({
        "name": customer.name,
        "email": customer.email,
        "loyalty_points": customer.loyalty_points,
        "available_credit": str(customer.available_credit),
        "outstanding": str(outstanding_balance(customer)),
        "orders": list(Order.objects.filter(customer=customer).values_list("number", flat=True)[:20]),
    })


@login_required
@require_POST
def reorder(request):
    customer = get_object_or_404(Customer, user=request.user)
    try:
        order = services.reorder_last(customer, actor=request.user)
    except Exception as exc:  # noqa: BLE001 - shown to the user as is
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse({"order": order.number}, status=201)


@staff_member_required
def search(request):
    return JsonResponse({"customers": [
        {"id": c.pk, "name": c.name, "email": c.email, "blocked": c.is_blocked}
        for c in services.search(request.GET.get("q", ""))
    ]})


@staff_member_required
@require_POST
def merge(request, primary_id, duplicate_id):
    primary = get_object_or_404(Customer, pk=primary_id)
    duplicate = get_object_or_404(Customer, pk=duplicate_id)
    try:
        services.merge_customers(primary, duplicate, actor=request.user)
    except services.CustomerError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse({"merged_into": primary.pk})


@staff_member_required
@require_POST
def erase(request, customer_id):
    customer = get_object_or_404(Customer, pk=customer_id)
    try:
        services.erase(customer, actor=request.user)
    except services.CustomerError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse({"erased": customer.pk})
