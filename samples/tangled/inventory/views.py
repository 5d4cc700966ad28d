from django.contrib.admin.views.decorators import staff_member_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from inventory import services
from inventory.models import Product, StockMovement


def catalogue(request):
    products = Product.objects.filter(is_active=True).order_by("name")
    return JsonResponse({"products": [
        {"sku": p.sku, "name": p.name, "price": str(p.price), "available": p.available}
        for p in products
    ]})


@staff_member_required
def product_detail(request, sku):
    product = get_object_or_404(Product, sku=sku)
    open_lines = product.open_order_lines().select_related("order")
    return JsonResponse({
        "sku": product.sku,
        "stock": product.stock,
        "reserved": product.reserved_quantity,
        "open_orders": sorted({line.order.number for line in open_lines}),
        "movements": [
            {"kind": m.kind, "quantity": m.quantity, "at": m.created_at.isoformat(),
             "order": m.order.number if m.order else None}
            for m in StockMovement.objects.filter(product=product).select_related("order")[:50]
        ],
    })


@staff_member_required
@require_POST
def receive(request, sku):
    product = get_object_or_404(Product, sku=sku)
    try:
        services.receive_goods(product, int(request.POST["quantity"]),
                               note=request.POST.get("note", ""), actor=request.user)
    except (KeyError, ValueError) as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    product.refresh_from_db()
    return JsonResponse({"sku": product.sku, "stock": product.stock})


@staff_member_required
def low_stock(request):
    return JsonResponse({"products": [
        {"sku": p.sku, "available": p.available, "reorder_level": p.reorder_level}
        for p in services.low_stock_report()
    ]})
