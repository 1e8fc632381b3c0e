## Broadcasts: the tenant admin menu (admin/broadcast.ts), the progress message and report
## (notices/broadcast-notices.ts), and the operators' broadcast from the master bot (master/broadcast.ts)

adm-btn-broadcasts = 📣 Broadcast
broadcast-off = Broadcasts are switched off for this shop.
broadcast-home = 📣 Recent broadcasts:
broadcast-home-empty = 📣 No broadcast has been sent yet.
broadcast-line = { $status ->
    [sending] ⏳
    [done] ✅
   *[cancelled] ⛔
} #{ $id } · { $segment } · { $total } recipients
broadcast-btn-new = ✍️ New broadcast
broadcast-segment = { $segment ->
    [all] 👥 Everyone
    [active] ✅ Active subscription
    [expired] ⌛ Expired subscription
    [never_bought] 🆕 Never bought
    [trial_only] 🎁 Trial only
    [admins] 🛠 Admins
   *[language] 🌐 By language
}
broadcast-language = { $language ->
    [fa] فارسی
    [en] English
   *[ru] Русский
}
broadcast-segment-language = 🌐 Language: { broadcast-language }
broadcast-ask-message =
    ✍️ Send the message to broadcast: a text, or a photo with a caption.
    It goes out exactly as you send it, without formatting.
broadcast-bad-text = The text must not be empty and may hold at most { $max } characters. Send it again.
broadcast-bad-caption = A photo needs a caption of at most { $max } characters. Send the photo again with a caption.
broadcast-ask-button-choice = Add a link button under the message?
broadcast-btn-add-button = 🔗 Add a link button
broadcast-btn-no-button = Without a button
broadcast-ask-button =
    Send the button in two lines:
    its text on the first line (at most 64 characters),
    its link on the second (a web address starting with https://, or a tg:// link).
broadcast-bad-button = That does not fit: the button's text on the first line (at most 64 characters), a link starting with https:// or tg:// on the second.
broadcast-ask-segment = 👥 Who should get it?
broadcast-ask-language = 🌐 Customers of which language?
broadcast-review =
    📣 Recipients: { $count } ({ $segment }).
    Banned customers and customers who blocked the bot are left out.
    Preview it first, then send.
broadcast-review-after-preview =
    👆 This is how customers will see it.
    📣 Recipients: { $count } ({ $segment }).
broadcast-nobody = Nobody is in this segment ({ $segment }). Pick other recipients.
broadcast-btn-preview = 👁 Preview
broadcast-btn-send = ✅ Send to { $count }
broadcast-btn-change-segment = 👥 Other recipients
broadcast-draft-gone = This broadcast is no longer being composed.
broadcast-started = The broadcast has started.
broadcast-progress =
    📣 Broadcasting… { $sent } of { $total } sent
    Blocked the bot: { $blocked }
    Failed: { $failed }
    Left: { $left }
broadcast-btn-cancel = ⛔ Stop the broadcast
broadcast-cancelled-toast = The broadcast is stopped: nobody else will get it.
broadcast-already-finished = This broadcast has already finished.
broadcast-report-done =
    ✅ Broadcast finished.
    Sent: { $sent } of { $total }
    Blocked the bot: { $blocked }
    Failed: { $failed }
broadcast-report-cancelled =
    ⛔ Broadcast stopped.
    Sent: { $sent } of { $total }
    Blocked the bot: { $blocked }
    Failed: { $failed }
broadcast-report-unknown = Outcome unknown (the sending process stopped mid-send; never sent twice): { $unknown }
broadcast-report-not-sent = Not sent (stopped, or banned meanwhile): { $cancelled }

## The operators' broadcast (master bot)
master-btn-broadcast = 📣 Message all shop admins
master-broadcast-ask =
    📣 Send the message for the admins of every active shop: a text, or a photo with its caption.
    Each shop's own bot delivers it to its admins who have started that bot.
master-broadcast-review-above = 📣 { $admins } admins in { $shops } shops will get the message above, exactly as it is shown.
master-broadcast-btn-send = ✅ Send
master-broadcast-sent = 📣 Queued: { $admins } admins in { $shops } shops.
master-broadcast-nobody = No active shop has an admin who has started its bot.
master-broadcast-gone = This message is no longer being composed.

## Setting labels (admin/settings.ts looks them up by the setting's name)
adm-group-broadcasts = 📣 Broadcasts
adm-label-broadcast-rate-per-second = Broadcast messages a second
