## Tenant admin menu (inside each tenant bot, for that tenant's admins)

adm-menu-button = 🛠 Admin
adm-admins-only = Sorry, this menu is only for the admins of this shop.
adm-private-only = Please open the admin menu in a private chat with the bot: /admin
adm-master-hint = In the master bot the operators' panel is at /fleet.
adm-home =
    🛠 Admin menu · { $shop }

    Manage plans and payment cards, change the shop's settings, look customers up and credit their balance, or see the sales figures.
adm-cancelled = Cancelled.

adm-btn-receipts = 🧾 Pending receipts ({ $count })
adm-btn-plans = 📦 Plans
adm-btn-cards = 💳 Cards
adm-btn-customers = 👥 Customers
adm-btn-stats = 📊 Statistics
adm-btn-settings = ⚙️ Settings
adm-btn-home = 🛠 Admin menu
adm-btn-back = ⬅️ Back
adm-btn-cancel = ✖️ Cancel
adm-btn-confirm = ✅ Confirm
adm-btn-refresh = 🔄 Refresh
adm-btn-skip = ⏭ Skip
adm-btn-switch-off = ⏸ Switch off
adm-btn-switch-on = ▶️ Switch on
adm-btn-plan-new = ➕ New plan
adm-btn-edit-name = ✏️ Name
adm-btn-edit-price = 💵 Price
adm-btn-edit-days = ⏳ Days
adm-btn-edit-traffic = 📶 Traffic
adm-btn-edit-devices = 📱 Devices
adm-btn-move-up = 🔼 Move up
adm-btn-move-down = 🔽 Move down
adm-btn-card-new = ➕ Add a card
adm-btn-change = ✏️ Change
adm-btn-reset = ♻️ Reset to default
adm-btn-credit = 💰 Credit balance
adm-btn-search-again = 🔎 Another search

## Pending receipts
adm-receipts-none = ✅ No card-to-card receipts are waiting for a decision.
adm-receipts-title = 🧾 Receipts waiting for a decision: { $count }{ $more ->
    [yes] {" "}(the oldest are shown; the rest after these are decided)
   *[other] {""}
}. Each one follows below with its Approve and Reject buttons.

## Plans
adm-plans-title = 📦 Plans, in the order customers see them:
adm-plans-empty = There are no plans yet. Create the first one.
adm-plan-line =
    { $position }. { $name } · { $price }
    { $days } days · { $traffic } · devices: { $devices } · { $active ->
        [yes] ✅ on sale
       *[other] ⏸ switched off
    }
adm-plan-card =
    📦 { $name } ({ $position } of { $count })
    💵 Price: { $price }
    ⏳ Period: { $days } days
    📶 Traffic: { $traffic }
    📱 Devices: { $devices }
    Status: { $active ->
        [yes] ✅ on sale
       *[other] ⏸ switched off
    }
adm-plan-not-found = This plan does not exist (any more).
adm-plan-new-title = ➕ New plan
adm-plan-editing = ✏️ Editing { $name }
adm-plan-ask-name = Send the plan's name (up to 64 characters), e.g. "1 month · 50 GB".
adm-plan-ask-days = Send the period in days: a whole number from 1 to 3650.
adm-plan-ask-price = Send the price: a whole number of at least 1, in the shop's currency.
adm-plan-ask-traffic = Send the traffic in GB: a whole number from 0 to 100000 (0 = unlimited).
adm-plan-ask-devices = Send the device limit: a whole number from 0 to 100 (0 = unlimited).
adm-plan-bad-name = ❌ The name must be 1 to 64 characters long. Send it again.
adm-plan-bad-days = ❌ The period must be a whole number of days from 1 to 3650. Send it again.
adm-plan-bad-price = ❌ The price must be a whole number of at least 1. Send it again.
adm-plan-bad-traffic = ❌ The traffic must be a whole number of GB from 0 to 100000 (0 = unlimited). Send it again.
adm-plan-bad-devices = ❌ The device limit must be a whole number from 0 to 100 (0 = unlimited). Send it again.
adm-plan-not-created = ❌ The plan could not be created: { $reason }
adm-plan-created = ✅ Plan "{ $name }" created and on sale.
adm-plan-saved = ✅ Saved.
adm-plan-moved = Moved.
adm-plan-switched-off = The plan is switched off: customers no longer see it.
adm-plan-switched-on = The plan is on sale again.

## Cards
adm-cards-title = 💳 Cards for card-to-card payments:
adm-cards-empty = There are no cards yet. Add one so customers can pay by card-to-card transfer.
adm-card-line =
    { $number } · { $holder } · { $bank }
    Success rate: { $rate } ({ $success } approved, { $failure } rejected) · { $active ->
        [yes] ✅ in use
       *[other] ⏸ switched off
    }
adm-card-card =
    💳 { $number }
    Holder: { $holder }
    Bank: { $bank }
    Success rate: { $rate } ({ $success } approved, { $failure } rejected)
    Shown to customers: { $used } times
    Status: { $active ->
        [yes] ✅ in use
       *[other] ⏸ switched off
    }
adm-card-not-found = This card does not exist (any more).
adm-card-ask-number = Send the 16-digit card number (spaces or dashes are fine).
adm-card-bad-number = ❌ This is not a valid card number: it must have 16 digits and pass the card checksum. Check it and send it again.
adm-card-duplicate = ❌ This card is already added.
adm-card-ask-holder = Card { $number }. Now send the card holder's name, as the bank shows it.
adm-card-bad-holder = ❌ The holder's name must be 1 to 128 characters long. Send it again.
adm-card-ask-bank = Send the bank's name (up to 64 characters), or press Skip.
adm-card-bad-bank = ❌ The bank's name must be at most 64 characters long. Send it again.
adm-card-created = ✅ Card { $number } added and in use.
adm-card-switched-off = The card is switched off: customers are no longer shown it.
adm-card-switched-on = The card is in use again.

## Settings
adm-settings-title = ⚙️ Settings of this shop. Choose a group:
adm-setting-line = • { $name }: { $value }
adm-setting-card =
    ⚙️ { $name }
    Current value: { $value } { $source ->
        [tenant] (set by you)
       *[other] (default)
    }
    Default: { $default }
    Accepts: { $expects }
adm-setting-ask =
    ✏️ { $name }
    Send the new value. It must be { $expects }.{ $list ->
        [numbers] {" "}Separate the items with commas; write numbers without thousands separators.
        [yes] {" "}Separate the items with commas.
       *[other] {""}
    }{ $nullable ->
        [yes] {" "}Send - to leave it empty.
       *[other] {""}
    }
adm-setting-saved = ✅ Saved.
adm-setting-reset-done = ♻️ Back to the default.
adm-setting-invalid =
    ❌ This value was not accepted. It must be { $expects }.
    Send another value, or cancel.
adm-setting-operator-only = ⛔ Only the operator of this service can change this setting.
adm-setting-unknown = This setting does not exist.
adm-value-on = ✅ On
adm-value-off = ⏸ Off
adm-value-empty = (empty)

adm-group-basics = 🌐 Basics
adm-group-support = 🆘 Support
adm-group-notifications = 🔔 Notifications
adm-group-required-channel = 📢 Required channel
adm-group-trial = 🎁 Trial
adm-group-autopay = 🔁 Autopay
adm-group-subscriptions = 📶 Subscriptions
adm-group-payments = 💳 Payments
adm-group-wallet = 👛 Wallet

adm-label-default-language = Default language
adm-label-available-languages = Available languages
adm-label-language-selection-enabled = Ask new customers for a language
adm-label-timezone = Time zone
adm-label-skip-rules-acceptance = Skip accepting the rules
adm-label-rules-text = Rules text
adm-label-support-username = Support username
adm-label-support-menu-enabled = Support in the main menu
adm-label-admin-chat-id = Admin chat
adm-label-receipt-topic-id = Admin chat topic for receipts
adm-label-required-channel-enabled = Channel membership required
adm-label-required-channel-id = Required channel
adm-label-required-channel-link = Channel invite link
adm-label-trial-days = Trial length (days)
adm-label-trial-traffic-gb = Trial traffic (GB)
adm-label-trial-devices = Trial devices
adm-label-traffic-reset-strategy = Traffic reset
adm-label-max-subscriptions-per-customer = Subscriptions per customer (most)
adm-label-autopay-default = Autopay for everyone (unless the customer turns it off)
adm-label-autopay-hours-before = Hours before expiry to renew
adm-label-autopay-min-balance = Balance autopay always leaves
adm-label-panel-squads = Panel squads
adm-label-panel-tag = Panel tag
adm-label-card-rotation-strategy = Card rotation
adm-label-card-rotation-interval-minutes = Card rotation interval (minutes)
adm-label-receipt-expiry-hours = Receipt expiry (hours)
adm-label-topup-presets = Top-up amounts offered
adm-label-topup-min = Smallest top-up
adm-label-topup-max = Largest top-up
adm-label-stars-per-unit-price = Stars per 1,000 units
adm-label-wallet-unlimited-equivalent-gb = Unlimited plan equivalent (GB)
adm-label-wallet-billing-mode = Wallet billing (per sale or by consumption)
adm-label-wallet-consumption-grace = Debt allowed when billed by consumption

## Customers
adm-customers-ask = 🔎 Send a Telegram id, a @username or part of a name.
adm-customers-none = Nobody matches "{ $query }". Send another search, or cancel.
adm-customers-found = { $count } customers match (at most { $limit } are shown). Choose one:
adm-customer-not-found = This customer does not exist in this shop.
adm-customer-card =
    👤 { $name } · { $username }
    Telegram id: { $telegramId } · customer #{ $id }
    💰 Balance: { $balance }
    🌐 Language: { $language }
    📅 Joined: { $joined }

    { $subscription }

    🧾 Recent orders:
    { $orders }
adm-customer-subscription =
    📶 Subscription: { $status }
    Expires: { $expires } · traffic: { $used } of { $limit }
adm-customer-no-subscription = 📶 No subscription.
adm-customer-no-orders = none yet
adm-customer-order = #{ $id } · { $plan } · { $price } · { $status } · { $date }
adm-order-created = awaiting payment
adm-order-paid = paid
adm-order-provisioning = being activated
adm-order-active = active
adm-order-cancelled = cancelled

adm-credit-ask-amount =
    💰 Credit the balance of { $name } (now { $balance }).
    Send the amount: a whole number in the shop's currency.
adm-credit-bad-amount = ❌ The amount must be a whole number greater than 0. Send it again.
adm-credit-over-limit = ❌ Not credited: a balance can hold at most { $max }, and this one can take only { $room } more.
adm-credit-ask-reason = Amount: { $amount }. Now send the reason (up to 200 characters); it is kept with the credit.
adm-credit-bad-reason = ❌ The reason is required and may be at most 200 characters long. Send it again.
adm-credit-confirm =
    Credit { $amount } to { $name }?
    Reason: { $reason }
adm-credit-expired = This confirmation was already used or has expired.
adm-credit-done-short = Credited.
adm-credit-done = ✅ Credited { $amount }. New balance: { $balance }.
adm-credit-customer-notice = 💰 Your balance was credited with { $amount }. Your balance is now { $balance }.

## Statistics
adm-stats-paid = { $count } · { $sum }
adm-stats =
    📊 Sales statistics

    👥 Customers: { $customers } (new today: { $newToday })
    📶 Active subscriptions: { $active }

    🧾 Paid orders
    Today: { $today }
    Last 7 days: { $week }
    Last 30 days: { $month }
