from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("invoices/", views.invoice_list, name="invoices"),
    path("invoices/overdue/", views.overdue, name="overdue"),
    path("invoices/<str:number>/pay/", views.pay, name="pay"),
    path("lines/<int:line_id>/refund/", views.refund_line, name="refund-line"),
]
