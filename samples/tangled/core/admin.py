from django.contrib import admin

from core.models import Address, AuditLog, Currency, Notification, SiteSetting, TaxRate


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ("line1", "city", "postcode", "country")
    search_fields = ("line1", "postcode")


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "app_label", "model_name", "object_id", "action")
    list_filter = ("app_label", "action")
    readonly_fields = [f.name for f in AuditLog._meta.fields]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "subject", "created_at", "sent_at")
    raw_id_fields = ("related_order", "related_invoice")


admin.site.register(Currency)
admin.site.register(TaxRate)
admin.site.register(SiteSetting)
