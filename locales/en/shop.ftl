## Money and units
money-irt = { $amount } Toman
money-usd = ${ $amount }
money-rub = { $amount } ₽
traffic-gb = { $amount } GB
traffic-unlimited = unlimited
devices-unlimited = unlimited
back = ⬅️ Back
balance-line = 💰 Your balance: { $balance }

## Plans and buying
plans-title = Choose a plan:
plans-none = There are no plans on sale right now. Please check back soon.
plan-button = { $name } · { $price }
plan-details =
    📦 { $name }
    ⏳ Period: { $days } days
    📶 Traffic: { $traffic }
    📱 Devices: { $devices }
    💵 Price: { $price }
plan-unavailable = This plan is no longer on sale.
buy-confirm = ✅ Pay { $price }
purchase-paid =
    ✅ Paid { $price } for { $plan }.
    Your subscription is being activated; you will get its link here in a moment.
purchase-in-progress = This purchase is already being processed.
purchase-insufficient =
    Your balance ({ $balance }) does not cover this plan: { $missing } is missing.
    Top up that amount and the purchase completes by itself.
purchase-pay-missing = 💳 Pay the missing amount

## Trial
trial-started =
    🎁 Your { $days }-day free trial is being activated.
    You will get the subscription link here in a moment.
trial-already-used = You have already used your free trial.
trial-has-subscription = You already have a subscription, so the free trial is not available.

## My subscription
subscription-none = You have no subscription yet.
subscription-title = 📱 Your subscription
subscription-title-trial = 🎁 Your trial subscription
subscription-status = Status: { $status }
subscription-status-pending = ⏳ being activated
subscription-status-active = ✅ active
subscription-status-expired = ⌛ expired
subscription-status-limited = 🚫 traffic used up
subscription-status-disabled = ⛔ disabled
subscription-expiry = Expires: { $date } ({ $days } days left)
subscription-traffic = Traffic: { $used } of { $limit }
subscription-devices = Devices: { $limit } allowed, { $online } connected
subscription-link =
    🔗 Subscription link:
    { $url }
subscription-activating = ⏳ A payment is being applied to this subscription; it updates in a moment.
subscription-stale = The panel did not answer just now; these figures may be a little old.
subscription-renew = 🔄 Renew
subscription-ready = ✅ Your subscription is ready. Scan the QR code or open the link in your VPN app.
subscription-renewed = ✅ Your subscription is renewed.

## Several subscriptions
subscriptions-title = 📱 Your subscriptions; choose one to see its details:
subscription-name = Subscription { $number }
subscription-list-item = { $name } · { $status } · { $days } days
subscription-title-numbered = 📱 Subscription { $number }
subscriptions-back = ⬅️ My subscriptions
subscription-unavailable = This subscription is no longer available.
subscription-limit-reached = You have { $limit } subscriptions, the most allowed; renew one of them instead.
plans-title-renew = Choose a plan to renew { $name }:
plans-title-activate = Choose a plan to activate { $name }:
buy-target-title = What is this purchase for?
buy-target-renew = 🔄 Renew { $name } ({ $status })
buy-target-activate = ✅ Activate { $name } ({ $status })
buy-target-new = ➕ Buy a new subscription
subscription-activated = ✅ Your subscription is activated. Scan the QR code or open the link in your VPN app.
traffic-pack-added = ✅ { $traffic } of extra traffic was added to your subscription.
day-pack-added = ✅ { $days } days were added to your subscription.
subscription-open = 📱 Subscription details

## Autopay
autopay-button-on = 🔁 Autopay: on
autopay-button-off = 🔁 Autopay: off
autopay-turned-on = Autopay is on: { $hours } hours before expiry, this subscription is renewed with the same plan from your balance when it covers the price.
autopay-turned-off = Autopay is off: this subscription continues only when you renew it.
subscription-renewed-autopay = ✅ Your subscription was renewed automatically from your balance.

## What an order bought
order-label-traffic-pack = { $traffic } of extra traffic
order-label-day-pack = { $days } extra days
order-label-trial = Free trial
