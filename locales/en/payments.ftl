## Top-up: amount and payment method
topup-title =
    💳 Top up your balance
    Your balance: { $balance }

    Choose an amount:
topup-custom = ✏️ Another amount
topup-enter-amount = Type the amount you want to add, from { $min } to { $max } (digits only, e.g. { $example }):
topup-amount-invalid = That is not an amount. Please type digits only, e.g. { $example }.
topup-amount-too-small = The smallest top-up is { $min }. Please type a larger amount.
topup-amount-too-large = The largest top-up is { $max }. Please type a smaller amount.
topup-amount-unavailable = This amount is no longer offered. Please choose again.
topup-choose-method =
    Amount to pay: { $amount }
    Choose a payment method:
topup-choose-method-order =
    To complete "{ $plan }", { $amount } is missing.
    Choose a payment method:
topup-no-methods = No payment method is available in this shop right now.
topup-order-unavailable = This purchase can no longer be paid: it was completed or cancelled.
topup-cancel = ✖️ Cancel
topup-cancelled = Cancelled. Nothing was charged.
pay-method-card = 💳 Card-to-card transfer
pay-method-zarinpal = 🏦 Online payment (Zarinpal)
pay-method-stars = ⭐ Telegram Stars

## Card-to-card: the customer
c2c-unavailable = Card-to-card payment is not available right now. Please choose another method or try again later.
c2c-instructions =
    💳 Card-to-card payment

    Transfer exactly { $amount } to this card:

    { $card }
    👤 { $holder }
c2c-bank-line = 🏦 { $bank }
c2c-instructions-receipt =
    Then send the receipt here: a screenshot or photo of it, the PDF file, or the text of the bank's confirmation.
    The payment is checked by the shop's admins and credited once approved.
c2c-receipt-expected = Please send the receipt as a photo, a file or text, or press Cancel.
c2c-receipt-received =
    ✅ Receipt received.
    Tracking number: { $tracking }
    Amount: { $amount }

    The shop's admins will check it shortly; you will be told here.
c2c-customer-approved =
    ✅ Your card-to-card payment { $tracking } of { $amount } is approved.
    Your balance: { $balance }
c2c-customer-approved-order =
    ✅ Your card-to-card payment { $tracking } of { $amount } is approved.
    Your purchase of "{ $plan }" is being activated; you will get its link here in a moment.
c2c-customer-rejected = ❌ Your card-to-card payment { $tracking } of { $amount } was not approved.
c2c-customer-reject-reason = Reason: { $reason }
c2c-customer-rejected-help = If you did pay, please contact support with your tracking number.
c2c-customer-expired =
    ⌛ Your card-to-card receipt { $tracking } of { $amount } was not reviewed in time and has expired.
    If you did pay, please contact support with your tracking number.

## Card-to-card: the shop's admins
c2c-admin-title = 🧾 Card-to-card receipt { $tracking }
c2c-admin-customer = 👤 Customer: { $customer } · Telegram id { $telegramId }
c2c-admin-amount = 💵 Amount: { $amount }
c2c-admin-card = 💳 Card: { $card } · { $holder }
c2c-admin-card-unknown = 💳 Card: (no longer listed)
c2c-admin-purpose-topup = 🎯 For: balance top-up
c2c-admin-purpose-order = 🎯 For: { $plan } (order #{ $order })
c2c-admin-text =
    📝 Receipt text:
    { $text }
c2c-admin-reused-here = ⚠️ This receipt image was already sent with payment { $tracking } of this shop.
c2c-admin-reused-elsewhere = ⚠️ This receipt image was already used in another shop. Check it carefully.
c2c-admin-status-pending = ⏳ Waiting for review
c2c-admin-status-approved = ✅ Approved by { $admin }
c2c-admin-status-rejected = ❌ Rejected by { $admin }
c2c-admin-status-reason = Reason: { $reason }
c2c-admin-status-expired = ⌛ Expired without review
c2c-approve = ✅ Approve
c2c-reject = ❌ Reject
c2c-details = ℹ️ Details
c2c-not-admin = Only this shop's admins can review receipts.
c2c-not-found = This receipt does not exist.
c2c-approved-toast = Approved: { $amount } credited.
c2c-already-approved = This receipt was already approved.
c2c-already-rejected = This receipt was already rejected.
c2c-already-expired = This receipt has expired.
c2c-reject-prompt = Why is receipt { $tracking } rejected? Send the reason as your next message (the customer will see it), or press "Reject without a reason".
c2c-reject-no-reason = ❌ Reject without a reason
c2c-reject-keep = ↩️ Keep it pending
c2c-reject-kept = The receipt stays pending.
c2c-rejected = Receipt { $tracking } is rejected.
c2c-details-text =
    ℹ️ Receipt { $tracking }
    Sent: { $date }
    Customer #{ $customerId }: { $customer }
    Telegram id: { $telegramId } · language { $language }
    Balance: { $balance }
    Customer since: { $since }
    Card payments so far: { $approved } approved, { $rejected } rejected, { $pending } pending, { $expired } expired
    Card: { $card }
