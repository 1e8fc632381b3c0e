## Ban and message: what the customer sees
mod-banned = ⛔️ Your access to this bot is restricted.
mod-notice-blocked = ⛔️ The shop's admins have restricted your access to this bot.
mod-notice-unblocked = ✅ The restriction on your account was lifted. Press /start to continue.
mod-message-from-shop =
    📩 Message from the shop:

    { $text }

## Ban and message: the admins
mod-customer-banned = ⛔️ This customer is banned.
mod-btn-block = ⛔️ Ban
mod-btn-unblock = ✅ Lift the ban
mod-btn-message = ✉️ Send a message
mod-btn-block-confirm = ⛔️ Yes, ban
mod-btn-keep = ↩️ Keep
mod-block-confirm =
    Ban { $customer }?

    They get one short message, then the bot answers them nothing and sends them no notices. Their pending card-to-card receipts are rejected and their unpaid orders cancelled.
mod-blocked-toast = Customer banned.
mod-blocked-done = ⛔️ Customer banned. Receipts rejected: { $receipts } · orders cancelled: { $orders }
mod-already-blocked = This customer is already banned.
mod-unblocked-done = ✅ The ban was lifted and the customer told.
mod-not-blocked = This customer is not banned.
mod-message-ask = ✉️ Send the message for { $customer }:
mod-message-bad = The message must be 1 to { $max } characters. Send it again or cancel.
mod-message-queued = ✉️ Message queued for delivery.
mod-receipt-block-confirm =
    Ban { $customer } (receipt { $tracking })?
    All their pending receipts, this one too, are rejected.
mod-receipt-blocked = ⛔️ { $customer } banned. Receipts rejected: { $receipts }
mod-block-kept = Not banned.
