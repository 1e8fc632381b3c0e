## Master bot: the operators' panel

master-health = { $health ->
    [healthy] ✅ healthy
    [unauthorized] ⛔ token revoked
    [failing] ⚠️ failing
   *[other] ❔ not checked yet
}
master-active = { $active ->
    [yes] 🟢 active
   *[other] ⏸ suspended
}
master-is-master = (master bot)

master-currency = { $currency ->
    [IRT] Toman
    [USD] USD
    [RUB] RUB
   *[other] { $currency }
}

master-operators-only = This panel is for the operators of this fleet only.
master-home =
    🛰 Fleet control panel

    Add a tenant bot, open a tenant to activate or suspend it, switch its features, set its wholesale price or top up its wallet, or look at the fleet's figures.
master-cancelled = Cancelled.

master-btn-add = ➕ Add a tenant
master-btn-tenants = 📋 Tenants
master-btn-stats = 📊 Fleet statistics
master-btn-home = 🛰 Panel
master-btn-cancel = ✖️ Cancel
master-btn-open = 🔎 Open the tenant
master-btn-prev = ◀️ Previous
master-btn-next = Next ▶️
master-btn-refresh = 🔄 Refresh
master-btn-suspend = ⏸ Suspend
master-btn-activate = ▶️ Activate
master-btn-features = 🧩 Features
master-btn-topup = 💰 Top up wallet
master-btn-price = 🏷 Price per GB
master-btn-wallet = 🧾 Wallet history
master-btn-back = ⬅️ Back
master-btn-confirm = ✅ Confirm

## Adding a tenant
master-add-prompt =
    Send the new tenant's bot token, as @BotFather gave it (123456789:ABC…).
    I will check it with Telegram before saving it.
master-token-invalid = This does not look like a bot token. Copy the whole token from @BotFather (123456789:ABC…) and send it again.
master-token-rejected = Telegram does not accept this token: it was revoked or mistyped. Generate a new one with @BotFather and send it again.
master-token-unreachable = Telegram could not be reached to check the token. Please try again in a moment.
master-token-taken = This bot is already a tenant: { $name } (#{ $id }).
master-token-taken-race = This bot was registered as a tenant a moment ago. Open the list of tenants to find it.
master-tenant-added =
    ✅ Tenant added: { $name } (@{ $username }), #{ $id }.
    The bot starts answering within a few seconds.

    API token of this tenant, shown only this once; keep it somewhere safe:
    { $apiToken }

## Tenants
master-list-title = 📋 Tenants, page { $page }
master-list-empty = There are no tenants yet.
master-list-line =
    #{ $id } { $name } (@{ $username }) { $master }
    { $active } · { $health } · sales: { $sales } ({ $amount })
master-tenant-not-found = This tenant no longer exists.
master-tenant-card =
    🤖 { $name } (@{ $username }) · #{ $id } { $master }
    Status: { $active }
    Health: { $health } { $healthError }

    Customers: { $customers } · active subscriptions: { $subscriptions }
    Sales: { $sales } ({ $amount })

    Wallet: { $balance } · price per GB: { $price }
    Traffic sold: { $sold } GB · consumed: { $consumed } GB
master-cannot-suspend-master = The master bot cannot be suspended from itself.
master-activated = Tenant activated.
master-suspended = Tenant suspended.
master-features-title = 🧩 Features of { $name } (#{ $id }). Press one to switch it on or off.
master-feature-on = { $key } is on.
master-feature-off = { $key } is off.

## Wallet
master-wallet-title = 🧾 Wallet of { $name } (#{ $id }), latest entries
master-wallet-empty = No entries yet.
master-wallet-line = { $date } · { $kind } { $amount } → { $balance } { $reason }
master-number-invalid = Please send a whole number, digits only (for example 500000).
master-price-prompt =
    Wholesale price per GB for { $name } (now { $price }).
    Send the new price, a whole number; 0 makes sales free for this tenant.
master-price-set = ✅ Price per GB set to { $price }.
master-topup-prompt =
    Top up the wallet of { $name } (balance now { $balance }).
    Send the amount to add, a whole number.
master-topup-confirm = Add { $amount } to the wallet of { $name } (#{ $id })?
master-topup-expired = This top-up is no longer pending. Start again from the tenant.
master-topup-done = ✅ Wallet topped up by { $amount }. New balance: { $balance }.
master-topup-over-limit = ❌ Not topped up: a wallet can hold at most { $max }, and this one can take only { $room } more.

## Fleet statistics
master-stats =
    📊 Fleet statistics

    Tenants: { $total } (active { $active }, suspended { $suspended })
    Health of active tenants: ✅ { $healthy } healthy · ⚠️ { $unhealthy } with problems
    Customers: { $customers }
    Active subscriptions: { $subscriptions }
    Sales: { $sales } ({ $amount })
    Wallets: { $wallets } in total
    Traffic sold: { $sold } GB · consumed: { $consumed } GB
