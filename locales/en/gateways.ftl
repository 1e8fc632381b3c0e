## Payment gateways: Zarinpal and Telegram Stars

## Shared
gateway-unavailable = This payment method is not available right now. Please choose another one.
gateway-balance-now = 💰 Your balance is now { $balance }
gateway-order-completing = 📦 Your purchase “{ $plan }” is paid and being activated; the subscription link will be sent here in a moment.
gateway-order-still-waiting = Your purchase is still waiting: the balance does not cover its price yet.

## Zarinpal in the bot
zarinpal-preparing = Preparing your payment link…
zarinpal-description = Top-up of { $amount } at { $shop }
zarinpal-pay-prompt =
    🏦 Online payment of { $amount } with Zarinpal
    Tap the button below and pay on the bank's page. Once you have paid, your balance is credited automatically and you will be told here.
zarinpal-pay-button = 💳 Pay { $amount }
zarinpal-raised-to-minimum = Zarinpal's minimum payment is { $min }; the amount was raised to it, and the rest stays on your balance.
zarinpal-amount-out-of-range = Zarinpal accepts amounts from { $min } to { $max }. Please choose another amount.
zarinpal-retry = 🔄 Try again
zarinpal-paid-notice = ✅ Your Zarinpal payment of { $amount } was received (bank reference { $ref }).
zarinpal-failed-notice = ❌ Your Zarinpal payment of { $amount } was not accepted.

## What a Zarinpal error means for the customer
zarinpal-problem-busy = The payment gateway is not answering right now. Please try again in a few minutes.
zarinpal-problem-shop = Online payment is temporarily unavailable in this shop. Please use another method or contact support.
zarinpal-problem-amount = This amount cannot be paid with Zarinpal (1,000 to 100,000,000 Toman).
zarinpal-problem-unpaid = The payment was not completed. If money was taken from your card, the bank returns it within 72 hours.
zarinpal-problem-mismatch = This payment did not match our order and was not accepted. If money was taken, the bank returns it to your card within 72 hours.
zarinpal-problem-invalid = The gateway does not know this payment. Please start the payment again from the bot.
zarinpal-problem-refund = The money could not be returned automatically. Please contact support.

## The page the browser sees after the bank
zarinpal-page-back = Back to the bot
zarinpal-page-title-paid = Payment successful
zarinpal-page-paid = Your payment of { $amount } was received and added to your balance.
zarinpal-page-ref = Bank reference: { $ref }
zarinpal-page-title-failed = Payment failed
zarinpal-page-title-unpaid = Payment not completed
zarinpal-page-title-pending = Checking your payment
zarinpal-page-pending = We could not get the bank's confirmation of your payment of { $amount } yet. We keep checking; once it is confirmed your balance is credited automatically and the bot will tell you.
zarinpal-page-later = The outcome of your payment is not known yet. We keep checking; once the bank confirms it your balance is credited automatically and the bot will tell you.
zarinpal-page-title-invalid = Invalid payment link
zarinpal-page-invalid = This payment link is not valid. Please go back to the bot and start the payment again.

## Telegram Stars
stars-invoice-title = Balance top-up
stars-invoice-label = Top-up { $amount }
stars-invoice-description = { $amount } added to your balance for { $stars } ⭐ (rate: { $rate } ⭐ per { $per }, rounded up to whole Stars).
stars-too-large = This amount is more than one Stars payment can carry ({ $max } ⭐). Please choose a smaller amount.
stars-refused-unknown = This invoice is no longer valid. Please request a new one.
stars-refused-already-paid = This invoice has already been paid.
stars-refused-price-changed = The price has changed. Please request a new invoice.
stars-refused-order-unavailable = This purchase is no longer waiting for a payment.
stars-paid = ✅ { $stars } ⭐ received: { $amount } added to your balance.
stars-refunded = Your payment did not match any invoice, so the { $stars } ⭐ were refunded to you.
paysupport-contact =
    🧾 Payment support
    For any problem with a payment (Stars or another method), write to @{ $username } with the date and amount of the payment.
paysupport-no-contact =
    🧾 Payment support
    For any problem with a payment (Stars or another method), send us the date and amount of the payment through Support in the main menu.
