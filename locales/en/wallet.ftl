## Tenant wallet: a sale the wallet cannot cover

# To the customer whose purchase was refused.
wallet-sale-unavailable = Sorry, this shop cannot complete purchases right now. Nothing has been deducted from your balance. Please try again later or contact support.

# To the tenant's admins.
wallet-alert-sale-refused =
    ⛔ A sale was refused: the shop wallet does not cover it, so new sales are stopped until it is topped up.
    Order #{ $order } ({ $plan }) is short by { $missing }; the wallet holds { $balance }.
    Customers keep the subscriptions they have.
