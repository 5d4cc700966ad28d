"""The marketplace at full scale, described compactly: the domains ``codegen.py`` writes around
the hand-written core in ``samples/marketplace`` (catalog, orders, payments, search, shared).

Each domain names the group of people who build and maintain it (they write its history; its
CODEOWNERS team is the domain's own, ``@acme-market/<domain>``) and its entities. An entity is ``(ClassName, id prefix, fields, lifecycle)``:

  field      "name:kind[:arg[:arg]]"; kinds: str:N, text, int:MIN:MAX, money, bool, date, email,
             enum:a,b,c, ref:Entity (a row of the same domain: a foreign key), ext:domain.entity
             (another domain's id, checked through that domain's ``api``: never a foreign key)
  lifecycle  "a>b>c; b>d": the status values and the allowed transitions (first is initial)

Cross-domain references (``ext``) must form no cycle: ``codegen`` refuses a spec with one, so
the generated domains depend on each other one way, through ``api`` modules only.
"""

from __future__ import annotations

PEOPLE = {
    "kofi": ("Kofi Mensah", "sellers"), "lena": ("Lena Fischer", "sellers"),
    "raj": ("Raj Malhotra", "sellers"),
    "tomas": ("Tomas Novak", "fulfilment"), "yuki": ("Yuki Sato", "fulfilment"),
    "omar": ("Omar Benali", "fulfilment"), "sara": ("Sara Lindgren", "fulfilment"),
    "nadia": ("Nadia Petrova", "care"), "luis": ("Luis Ortega", "care"),
    "mei": ("Mei Chen", "care"),
    "paul": ("Paul Dubois", "growth"), "zara": ("Zara Ahmed", "growth"),
    "ivan": ("Ivan Horvat", "growth"),
    "amara": ("Amara Nwosu", "finance"), "henrik": ("Henrik Berg", "finance"),
    "olivia": ("Olivia Grant", "identity"), "kai": ("Kai Andersen", "identity"),
    "noor": ("Noor Haddad", "content"), "felix": ("Felix Wagner", "content"),
}

LIFECYCLE_DRAFT = "draft>active>archived; active>suspended>active"

DOMAINS = {
    "customers": {
        "team": "identity",
        "entities": [
            ("Customer", "cus", ["email:email", "display_name:str:80", "locale:enum:en,de,fr,es",
                                 "marketing_opt_in:bool", "birth_date:date"],
             "pending>verified>closed; verified>locked>verified"),
            ("Address", "adr", ["customer_id:ref:Customer", "line1:str:120", "city:str:80",
                                "postcode:str:12", "country:enum:DE,FR,ES,NL,GB",
                                "is_default:bool"], "active>retired"),
            ("Consent", "cns", ["customer_id:ref:Customer", "purpose:enum:marketing,profiling,"
                                "third_party", "granted:bool", "source:str:40"],
             "given>withdrawn"),
            ("Session", "ses", ["customer_id:ref:Customer", "user_agent:str:200",
                                "ip_address:str:45", "ttl_minutes:int:5:43200"],
             "open>expired; open>revoked"),
        ],
    },
    "sellers": {
        "team": "sellers",
        "entities": [
            ("Seller", "sel", ["legal_name:str:160", "email:email", "vat_number:str:20",
                               "country:enum:DE,FR,ES,NL,GB", "commission_bps:int:0:3000"],
             "applied>verified>active; active>suspended>active; applied>rejected"),
            ("SellerDocument", "sdc", ["seller_id:ref:Seller", "kind:enum:id,vat,bank,trade",
                                       "file_name:str:200", "expires_on:date"],
             "uploaded>accepted; uploaded>refused"),
            ("PayoutAccount", "pac", ["seller_id:ref:Seller", "iban:str:34", "holder:str:120",
                                      "currency:enum:EUR,GBP"], "pending>verified>closed"),
            ("Payout", "pay", ["seller_id:ref:Seller", "account_id:ref:PayoutAccount",
                               "amount:money", "period_start:date", "period_end:date"],
             "scheduled>sent>settled; scheduled>held>scheduled; sent>returned"),
            ("Storefront", "stf", ["seller_id:ref:Seller", "slug:str:60", "headline:str:140",
                                   "about:text"], LIFECYCLE_DRAFT),
        ],
    },
    "pricing": {
        "team": "growth",
        "entities": [
            ("PriceList", "prl", ["name:str:80", "currency:enum:EUR,GBP", "priority:int:0:100",
                                  "starts_on:date", "ends_on:date"], LIFECYCLE_DRAFT),
            ("PriceRule", "prr", ["price_list_id:ref:PriceList", "product_id:ext:catalog.product",
                                  "discount_bps:int:0:9000", "min_quantity:int:1:1000"],
             LIFECYCLE_DRAFT),
            ("TaxRate", "txr", ["country:enum:DE,FR,ES,NL,GB", "category:str:40",
                                "rate_bps:int:0:3000", "valid_from:date"], "active>retired"),
        ],
    },
    "inventory": {
        "team": "fulfilment",
        "entities": [
            ("Warehouse", "whs", ["code:str:12", "name:str:80", "country:enum:DE,FR,ES,NL,GB",
                                  "capacity_units:int:0:1000000"], LIFECYCLE_DRAFT),
            ("StockItem", "stk", ["warehouse_id:ref:Warehouse", "product_id:ext:catalog.product",
                                  "on_hand:int:0:1000000", "reorder_level:int:0:100000"],
             "active>blocked>active; active>discontinued"),
            ("StockMovement", "stm", ["stock_item_id:ref:StockItem", "quantity:int:-100000:100000",
                                      "reason:enum:receipt,sale,return,adjustment,damage"],
             "recorded>reversed"),
            ("Reservation", "rsv", ["stock_item_id:ref:StockItem", "order_id:ext:orders.order",
                                    "quantity:int:1:1000", "expires_in_minutes:int:1:1440"],
             "held>committed; held>released; held>expired"),
        ],
    },
    "shipping": {
        "team": "fulfilment",
        "entities": [
            ("Carrier", "car", ["name:str:80", "code:str:12", "tracking_url:str:200",
                                "max_weight_grams:int:1:100000"], LIFECYCLE_DRAFT),
            ("Shipment", "shp", ["order_id:ext:orders.order", "carrier_id:ref:Carrier",
                                 "warehouse_id:ext:inventory.warehouse", "weight_grams:int:1:100000",
                                 "cost:money", "service:enum:standard,express,pickup"],
             "pending>packed>shipped>delivered; pending>cancelled; shipped>lost"),
            ("Parcel", "prc", ["shipment_id:ref:Shipment", "tracking_code:str:40",
                               "weight_grams:int:1:50000"], "created>labelled>handed_over"),
            ("TrackingEvent", "tev", ["parcel_id:ref:Parcel", "code:str:20", "location:str:120",
                                      "message:text"], "received>processed"),
            ("DeliveryZone", "dzn", ["carrier_id:ref:Carrier", "country:enum:DE,FR,ES,NL,GB",
                                     "postcode_prefix:str:6", "days_min:int:0:30",
                                     "days_max:int:0:60", "surcharge:money"], LIFECYCLE_DRAFT),
        ],
    },
    "returns": {
        "team": "care",
        "entities": [
            ("ReturnRequest", "rtn", ["order_id:ext:orders.order",
                                      "customer_id:ext:customers.customer",
                                      "reason:enum:damaged,wrong_item,not_as_described,changed_mind",
                                      "comment:text"],
             "requested>approved>received>refunded; requested>rejected; received>disputed"),
            ("ReturnLine", "rtl", ["request_id:ref:ReturnRequest",
                                   "product_id:ext:catalog.product", "quantity:int:1:100",
                                   "refund:money"], "open>accepted; open>refused"),
            ("Inspection", "ins", ["request_id:ref:ReturnRequest",
                                   "grade:enum:as_new,used,damaged,missing", "notes:text",
                                   "restock:bool"], "scheduled>done"),
        ],
    },
    "reviews": {
        "team": "care",
        "entities": [
            ("Review", "rev", ["product_id:ext:catalog.product",
                               "customer_id:ext:customers.customer", "rating:int:1:5",
                               "title:str:120", "body:text"],
             "submitted>published; submitted>rejected; published>hidden>published"),
            ("ReviewVote", "rvv", ["review_id:ref:Review", "customer_id:ext:customers.customer",
                                   "helpful:bool"], "counted>withdrawn"),
            ("ReviewReport", "rvr", ["review_id:ref:Review",
                                     "reason:enum:spam,abuse,off_topic,personal_data",
                                     "comment:text"], "open>upheld; open>dismissed"),
        ],
    },
    "support": {
        "team": "care",
        "entities": [
            ("Ticket", "tkt", ["customer_id:ext:customers.customer", "subject:str:160",
                               "channel:enum:email,chat,phone,form",
                               "priority:enum:low,normal,high,urgent"],
             "new>open>pending>solved>closed; pending>open; solved>open"),
            ("TicketMessage", "tkm", ["ticket_id:ref:Ticket", "author:str:80", "body:text",
                                      "internal:bool"], "draft>sent"),
            ("Macro", "mac", ["title:str:80", "body:text", "sets_priority:enum:low,normal,high,"
                              "urgent"], LIFECYCLE_DRAFT),
            ("SatisfactionSurvey", "sat", ["ticket_id:ref:Ticket", "score:int:1:5",
                                           "comment:text"], "sent>answered; sent>expired"),
        ],
    },
    "promotions": {
        "team": "growth",
        "entities": [
            ("Campaign", "cmp", ["name:str:120", "budget:money", "starts_on:date", "ends_on:date",
                                 "channel:enum:site,email,partner"],
             "draft>scheduled>running>ended; running>paused>running; draft>cancelled"),
            ("Coupon", "cpn", ["campaign_id:ref:Campaign", "code:str:24", "discount_bps:int:1:10000",
                               "max_redemptions:int:1:1000000", "single_use:bool"],
             "active>exhausted; active>revoked"),
            ("Redemption", "rdm", ["coupon_id:ref:Coupon", "order_id:ext:orders.order",
                                   "customer_id:ext:customers.customer", "discount:money"],
             "applied>confirmed; applied>reverted"),
        ],
    },
    "loyalty": {
        "team": "growth",
        "entities": [
            ("LoyaltyAccount", "lya", ["customer_id:ext:customers.customer",
                                       "tier:enum:bronze,silver,gold,platinum",
                                       "points_balance:int:0:100000000"], "open>frozen>open; open>closed"),
            ("PointsTransaction", "lpt", ["account_id:ref:LoyaltyAccount",
                                          "order_id:ext:orders.order",
                                          "points:int:-1000000:1000000",
                                          "kind:enum:earn,burn,expire,adjust"], "posted>reversed"),
            ("Reward", "lrw", ["name:str:80", "cost_points:int:1:1000000", "stock:int:0:100000",
                               "description:text"], LIFECYCLE_DRAFT),
        ],
    },
    "invoicing": {
        "team": "finance",
        "entities": [
            ("Invoice", "inv", ["order_id:ext:orders.order", "seller_id:ext:sellers.seller",
                                "number:str:20", "total:money", "issued_on:date", "due_on:date"],
             "draft>issued>paid; issued>overdue>paid; issued>voided"),
            ("InvoiceLine", "inl", ["invoice_id:ref:Invoice", "description:str:200",
                                    "quantity:int:1:10000", "unit_price:money", "tax_bps:int:0:3000"],
             "open>final"),
            ("CreditNote", "crn", ["invoice_id:ref:Invoice", "amount:money", "reason:text"],
             "draft>issued>applied"),
            ("LedgerEntry", "led", ["account:enum:receivable,payable,revenue,tax,commission",
                                    "amount:money", "reference:str:40", "booked_on:date"],
             "posted>reconciled; posted>reversed"),
        ],
    },
    "notifications": {
        "team": "identity",
        "entities": [
            ("Template", "tpl", ["key:str:60", "channel:enum:email,sms,push", "subject:str:160",
                                 "body:text", "locale:enum:en,de,fr,es"], LIFECYCLE_DRAFT),
            ("Message", "msg", ["template_id:ref:Template", "customer_id:ext:customers.customer",
                                "recipient:str:200", "attempts:int:0:20"],
             "queued>sent>delivered; sent>bounced; queued>failed>queued"),
            ("Preference", "prf", ["customer_id:ext:customers.customer",
                                   "channel:enum:email,sms,push", "topic:str:40", "enabled:bool"],
             "active>muted>active"),
        ],
    },
    "disputes": {
        "team": "finance",
        "entities": [
            ("Chargeback", "chb", ["payment_id:str:32", "order_id:ext:orders.order",
                                   "amount:money", "reason_code:str:8",
                                   "respond_by:date"],
             "received>evidence_sent>won; evidence_sent>lost; received>accepted"),
            ("Evidence", "evd", ["chargeback_id:ref:Chargeback",
                                 "kind:enum:receipt,tracking,correspondence,policy",
                                 "file_name:str:200", "note:text"], "draft>submitted"),
            ("DisputeNote", "dnt", ["chargeback_id:ref:Chargeback", "author:str:80",
                                    "body:text"], "open>resolved"),
        ],
    },
    "affiliates": {
        "team": "growth",
        "entities": [
            ("Partner", "ptn", ["name:str:120", "email:email", "website:str:200",
                                "commission_bps:int:0:5000"],
             "applied>approved>active; active>paused>active; applied>declined"),
            ("ReferralLink", "rfl", ["partner_id:ref:Partner", "slug:str:40",
                                     "landing_path:str:200"], LIFECYCLE_DRAFT),
            ("Commission", "com", ["partner_id:ref:Partner", "order_id:ext:orders.order",
                                   "amount:money", "earned_on:date"],
             "pending>approved>paid; pending>rejected"),
        ],
    },
    "content": {
        "team": "content",
        "entities": [
            ("Page", "pag", ["slug:str:80", "title:str:160", "body:text",
                             "locale:enum:en,de,fr,es", "publish_on:date"],
             "draft>review>published; review>draft; published>unpublished>published"),
            ("Banner", "ban", ["title:str:120", "image_url:str:300", "target_url:str:300",
                               "placement:enum:home,category,checkout", "starts_on:date",
                               "ends_on:date"], LIFECYCLE_DRAFT),
            ("MenuItem", "mnu", ["label:str:60", "path:str:200", "position:int:0:100",
                                 "parent:str:32"], LIFECYCLE_DRAFT),
            ("BuyingGuide", "gde", ["title:str:160", "product_id:ext:catalog.product",
                                    "summary:text", "reading_minutes:int:1:60"],
             "draft>review>published; review>draft"),
        ],
    },
}
