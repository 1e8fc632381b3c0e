## Support tickets (support menu, ticket messages, the admins' side and the admin menu)

## customers
ticket-intro =
    🎫 Support tickets
    Write to us here and we answer in this chat. Your earlier tickets are under "My tickets".
ticket-btn-new = ✉️ New ticket
ticket-btn-list = 📋 My tickets
ticket-btn-reply = ✍️ Reply
ticket-btn-close = 🔒 Close ticket
ticket-btn-reopen = 🔓 Reopen ticket
ticket-btn-cancel = ✖️ Cancel
ticket-btn-open = { $icon } #{ $id } · { $subject }
ticket-unavailable = Support tickets are not available at the moment.
ticket-ask-new = Write your message: text, a photo or a file. Its first words become the ticket's subject.
ticket-ask-reply = Write your reply to ticket #{ $id }: text, a photo or a file.
ticket-opened = ✅ Ticket #{ $id } is open. We will answer you here, in this chat.
ticket-sent = ✅ Your message was added to ticket #{ $id }.
ticket-too-many-open = You already have { $limit } open tickets. Please wait for an answer, or close one you no longer need.
ticket-too-fast = You are sending messages too quickly. Please wait a minute and try again.
ticket-not-found = This ticket was not found.
ticket-closed-cannot-write = Ticket #{ $id } is closed. Reopen it to write again.
ticket-content-expected = Please send text, a photo or a file.
ticket-cancelled = Cancelled.
ticket-list-title = 📋 Your tickets:
ticket-list-empty = You have no tickets yet.
ticket-line = #{ $id } · { $subject } · { $status } · { $date }
ticket-status = { $status ->
    [open] waiting for support
    [answered] answered
   *[closed] closed
}
ticket-no-subject = (a file)
ticket-card =
    🎫 Ticket #{ $id }
    Subject: { $subject }
    Status: { $status }
    Opened: { $date }
ticket-history-title = Latest messages:
ticket-history-line = { $who ->
    [customer] 👤 You
   *[admin] 🛟 Support
} · { $date }: { $text }
ticket-history-event = { $event ->
    [closed] 🔒 Closed
   *[reopened] 🔓 Reopened
} { $who ->
    [customer] by you
   *[admin] by support
} · { $date }
ticket-file = { $kind ->
    [photo] 🖼 a photo
   *[document] 📎 a file
}
ticket-answer =
    💬 Support answered your ticket #{ $id } ({ $subject }):

    { $text }
ticket-answer-hint = To answer, press Reply or reply to this message.
ticket-closed-by-support = 🔒 Support closed your ticket #{ $id } ({ $subject }). If you still need help, you can reopen it.
ticket-reopened-by-support = 🔓 Support reopened your ticket #{ $id } ({ $subject }).
ticket-closed-toast = Ticket #{ $id } is closed.
ticket-reopened-toast = Ticket #{ $id } is open again.
ticket-already-closed = Ticket #{ $id } is already closed.
ticket-already-open = Ticket #{ $id } is already open.

## the shop's admins (admin chat or private chats)
ticket-adm-new =
    🎫 New ticket #{ $id }
    From: { $customer }
ticket-adm-reply =
    💬 Ticket #{ $id } · the customer wrote
    From: { $customer }
    Subject: { $subject }
ticket-adm-hint = ↩️ Reply to this message to answer.
ticket-adm-closed-by-customer = 🔒 { $customer } closed ticket #{ $id } ({ $subject }).
ticket-adm-reopened-by-customer = 🔓 { $customer } reopened ticket #{ $id } ({ $subject }).
ticket-adm-sent = ✅ Sent to the customer (ticket #{ $id }).
ticket-adm-closed-cannot-answer = Ticket #{ $id } is closed. Reopen it to answer.
ticket-adm-admins-only = Only the shop's admins can do this.
ticket-adm-customer = { $name } · customer #{ $id }
ticket-adm-customer-username = { $name } (@{ $username }) · customer #{ $id }

## admin menu
adm-btn-tickets = { $count ->
    [0] 🎫 Tickets
   *[other] 🎫 Tickets ({ $count })
}
adm-tickets-title =
    🎫 Open tickets: { $count }
    Waiting for an answer: { $waiting }

    Answer a ticket from its card, or by replying to its message in the admin chat.
adm-tickets-empty = 🎫 There are no open tickets.
adm-ticket-button = { $icon } #{ $id } · { $customer } · { $subject }
adm-ticket-card =
    🎫 Ticket #{ $id }
    Customer: { $customer }
    Subject: { $subject }
    Status: { $status }
    Opened: { $date }
adm-ticket-history-line = { $who ->
    [customer] 👤 Customer
   *[admin] 🛟 Admin
} · { $date }: { $text }
adm-ticket-history-event = { $event ->
    [closed] 🔒 Closed
   *[reopened] 🔓 Reopened
} { $who ->
    [customer] by the customer
   *[admin] by an admin
} · { $date }
adm-ticket-status = { $status ->
    [open] waiting for an answer
    [answered] answered, waiting for the customer
   *[closed] closed
}
adm-ticket-btn-answer = ✍️ Answer
adm-ticket-ask-answer = Type your answer to ticket #{ $id }. It goes to the customer as you write it.
adm-ticket-not-found = This ticket was not found.
adm-ticket-sent = ✅ Answer sent to the customer.

## settings (labels in the admin menu's settings)
adm-label-support-mode = Support offers (contact, tickets or both)
adm-label-ticket-max-open = Open tickets per customer
adm-label-ticket-messages-per-minute = Ticket messages per customer a minute
adm-label-ticket-topic-id = Admin chat topic for tickets
