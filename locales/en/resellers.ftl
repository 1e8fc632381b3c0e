## Resellers: "Open my shop" in the master bot, reseller plans (operators), a shop's plan fee

reseller-open-shop = 🏪 Open my shop
reseller-signup-closed = Opening a shop is not available right now.
reseller-plans-title = 🏪 Open your own VPN shop. Choose a plan:
reseller-plan-line =
    📦 { $name }
    Monthly fee: { $fee }
    Wallet credit included: { $credit }
    Customers: { $cap }
    Included: { $features }
reseller-cap-none = no limit
reseller-feature = { $key ->
    [card_to_card] card-to-card payments
    [zarinpal] Zarinpal
    [telegram_stars] Telegram Stars
    [trial_subscription] free trial
    [referral_program] referral program
    [support_contact] support contact
    [promo_codes] promo codes
    [support_tickets] support tickets
    [autopay] autopay
    [mini_app] mini app
    [traffic_packs] extra traffic
    [day_packs] extra days
    [subscription_devices] device management
    [broadcasts] broadcasts
    [subscription_new_link] new subscription link
    [help_pages] help pages
   *[other] { $key }
}
reseller-token-ask = Create a bot with @BotFather (/newbot), then send its token here. It looks like 123456789:AA…
reseller-token-invalid = That is not a bot token. Copy the whole token @BotFather gave you (123456789:AA…) and send it again.
reseller-token-taken = This bot is already registered as a shop. Create a new bot with @BotFather and send its token.
reseller-token-rejected = Telegram does not accept this token: it may be revoked or mistyped. Check it with @BotFather and send it again.
reseller-token-unreachable = Telegram could not be reached to check the token. Please send it again in a moment.
reseller-plan-unavailable = This plan is no longer available.
reseller-signup-summary =
    🏪 Your shop: { $bot }
    Plan price (first month): { $price }
    Your balance: { $balance }
reseller-signup-pay-hint = Top up your balance with one of the methods below: once the payment is confirmed, the plan is paid and your shop starts.
reseller-btn-pay-balance = ✅ Pay from my balance
reseller-btn-cancel = ✖️ Cancel
reseller-signup-cancelled = Your shop request was cancelled. Nothing was charged.
reseller-signup-paid-approval = ✅ Paid. Your shop { $bot } is waiting for the operators' approval; you will hear from us here.
reseller-signup-paid-start = ✅ Paid. Your shop { $bot } is starting: you will get a message here in a moment.
reseller-signup-status = { $status ->
    [awaiting_approval] Your shop { $bot } is paid and waits for the operators' approval.
    [approved] Your shop { $bot } is approved and starting.
    [started] Your shop { $bot } is running.
    [rejected] Your shop request for { $bot } was declined and refunded.
    [failed] Your shop { $bot } could not be created; the payment was refunded.
   *[other] Your shop request for { $bot } is closed.
}
reseller-notice-awaiting_approval = ✅ Payment received for { $bot }. The operators will review your shop shortly.
reseller-notice-started =
    🎉 Your shop { $bot } is running!
    Open it and send /admin to manage plans, cards and settings.
reseller-notice-rejected = Your shop request for { $bot } was declined. { $price } was returned to your balance (now { $balance }).
reseller-notice-failed = Your shop { $bot } could not be created (the bot is registered elsewhere or its token changed). { $price } was returned to your balance (now { $balance }).
reseller-btn-open-shop = 🏪 Open my shop's bot
reseller-notice-wallet-credited = ✅ { $amount } was added to the wallet of { $shop }.

reseller-topup-custom = ✏️ Another amount
reseller-topup-title = 👛 Top up the wallet of { $shop }. Choose an amount:
reseller-topup-summary =
    👛 Wallet top-up for { $shop }: { $amount }
    Your balance here: { $balance }
reseller-topup-pay-hint = Pay with one of the methods below: once the payment is confirmed, the amount goes to your shop's wallet.
reseller-topup-unavailable = This top-up is not available. Open it again from your shop's wallet screen.
reseller-topup-enter = Send the amount (from { $min } to { $max }).
reseller-topup-amount-invalid = That amount cannot be used. Send a whole amount within the limits.
reseller-topup-paid = ✅ Paid: { $amount } is being added to the wallet of { $shop }.
reseller-btn-topup = 💳 Pay in the operator's bot
reseller-topup-how = Pay the operator in their bot with card-to-card, Zarinpal or Stars: the amount is added to this wallet as soon as the payment is confirmed.

reseller-fee-renewed =
    ✅ Your reseller plan { $plan } was renewed: { $fee } was taken from the wallet.
    Wallet balance: { $balance }. Next renewal: { $next }.
reseller-fee-unpaid =
    ⚠️ Your reseller plan { $plan } is due: { $fee }, but the wallet holds { $balance }.
    Top up the wallet before { $suspendAt }, or new sales will stop. Your customers' subscriptions keep working.
reseller-fee-suspended =
    ⛔️ Sales are stopped: the monthly fee of { $plan } ({ $fee }) is unpaid and the wallet holds { $balance }.
    Your customers' subscriptions keep working; new purchases and renewals are refused until the wallet is topped up and the fee is paid.
reseller-shop-full = Sorry, this shop is not taking new customers right now.

reseller-op-btn = 🏪 Reseller plans
reseller-op-plans =
    🏪 Reseller plans: { $count }
    Self-signup ("Open my shop"): { $signup ->
        [yes] on
       *[no] off (turn it on in the master shop's settings, group Resellers)
    }
reseller-op-btn-new = ➕ New plan
reseller-op-btn-waiting = 🕓 Waiting for approval ({ $count })
reseller-op-plan-card =
    📦 { $name }
    Monthly fee: { $fee }
    Wallet credit included: { $credit }
    Customer cap: { $cap }
    On sale: { $active ->
        [yes] yes
       *[no] no
    }
reseller-op-btn-edit = { $field ->
    [name] ✏️ Name
    [fee] 💵 Fee
    [credit] 👛 Credit
   *[cap] 👥 Cap
}
reseller-op-btn-active = { $active ->
    [yes] ⏸ Stop selling
   *[no] ▶️ Sell again
}
reseller-op-btn-plans = ⬅️ Reseller plans
reseller-op-features-hint = Switches a shop on this plan keeps (✅); the others are switched off when it starts. Press one to change it.
reseller-op-signup =
    #{ $id } · { $who }
    Bot: { $bot }
    Paid: { $price }
reseller-op-review-title = 🏪 A new shop is paid and waits for your approval:
reseller-op-btn-approve = ✅ Approve #{ $id }
reseller-op-btn-reject = ✖️ Reject #{ $id }
reseller-op-none-waiting = No shop waits for approval.
reseller-op-ask = { $field ->
    [name] Send the plan's name (up to 64 characters).
    [fee] Send the monthly fee (a whole amount, 0 for free).
    [credit] Send the wallet credit included with the first month (a whole amount, 0 for none).
   *[cap] Send the most customers a shop may have (0 for no limit).
}
reseller-op-invalid = That value cannot be used. { $field ->
    [name] Send a name of 1 to 64 characters.
   *[other] Send a whole number.
}
reseller-op-saved = ✅ Saved.
reseller-op-created = ✅ Plan created.
reseller-op-approved = ✅ Approved: the shop is starting.
reseller-op-rejected = Rejected; the payment went back to the customer's balance.
reseller-op-already = Already decided: { $status ->
    [approved] approved
    [started] started
    [rejected] rejected
    [failed] failed
   *[other] closed
}.

adm-group-resellers = 🏪 Resellers
adm-label-reseller-signup-enabled = Customers may open their own shop (master bot)
adm-label-reseller-approval-required = Paid shops wait for an operator's approval
adm-label-reseller-grace-days = Days an unpaid reseller shop keeps selling
