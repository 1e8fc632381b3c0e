## Master bot: setting a shop up, step by step, and changing it later

onb-not-set = not set
onb-on-off = { $on ->
    [yes] on
   *[other] off
}
onb-tag-default = { $tag } (default)
onb-saved = ✅ Saved.
onb-cleared = ✅ Cleared.

onb-btn-setup = ⚙️ Set up
onb-btn-walk = ▶️ Walk through every step
onb-btn-skip = Skip ⏭
onb-btn-finish = ⏹ Finish
onb-btn-clear = 🧹 Clear
onb-btn-name = ✏️ Name
onb-btn-settings = 🔧 All settings
onb-btn-token = 🔑 New bot token
onb-btn-delete = 🗑 Delete the shop
onb-btn-api = 🔐 New API token
onb-btn-api-sure = Yes, issue a new API token
onb-btn-delete-sure = Yes, delete the shop and all its data
onb-btn-remove-admin = ✖️ Remove { $id }
onb-btn-change = ✏️ Change
onb-btn-reset = ↩️ Default
onb-step-btn = { $step ->
    [adm] 👥 Admins
    [chat] 💬 Admin chat
    [rt] 🧾 Receipts topic
    [tt] 🎫 Tickets topic
    [cur] 💱 Currency
    [sq] 🧩 Panel squads
    [tag] 🏷 Panel tag
    [price] 💲 Price per GB
    [zp] 🏦 Zarinpal merchant
    [sbx] 🧪 Zarinpal sandbox
   *[top] 💰 Wallet top-up
}

onb-overview =
    ⚙️ Setup of { $name } (#{ $id })

    👥 Admins: { $admins }
    💬 Admin chat: { $chat }
    🧾 Receipts topic: { $receipts } · 🎫 Tickets topic: { $tickets }
    💱 Currency: { $currency }
    🧩 Panel squads: { $squads } · 🏷 Panel tag: { $tag }
    💲 Price per GB: { $price }
    🏦 Zarinpal merchant: { $merchant } · 🧪 sandbox: { $sandbox }
    💰 Wallet: { $balance }

    Press a step to change it, or walk through them all.
onb-step-heading = { $walk ->
    [yes] ⚙️ { $name }: step { $number } of { $total }
   *[other] ⚙️ { $name }
}

onb-admins-prompt =
    👥 Admins: { $admins }
    Admins review receipts and run the shop's admin menu. Send their Telegram ids (numbers, several separated by spaces or commas), or forward any message from the person here. Each admin must have started the shop's bot once so that it may write to them.
onb-admins-added = ✅ Added: { $ids }.
onb-admin-removed = ✅ Removed: { $id }.
onb-admins-invalid = ❌ "{ $bad }" is not a Telegram id. Send numeric ids such as 123456789, or forward a message from the person.
onb-admins-hidden = ❌ This person hides their account in forwarded messages, so Telegram does not tell me who they are. Ask them for their numeric id (e.g. from @userinfobot) and send it here.
onb-admins-not-person = ❌ This message does not come from a person (a bot, a channel or a group). Forward a message written by the admin.
onb-admins-too-many = ❌ A shop can have at most { $max } admins.

onb-chat-prompt =
    💬 Admin chat: { $chat }
    Receipts and alerts go to this group. Add @{ $bot } to the group (as an admin in a channel), then send the group's id (such as -1001234567890) or its public @username. I check with the shop's bot that it is there and may post.
onb-chat-invalid = ❌ Send the group's numeric id (such as -1001234567890) or its public @username.
onb-chat-refused = ❌ { $reason ->
    [person] That is a person, not a group. Add people as admins in the previous step.
    [not_found] The shop's bot cannot find this chat. Add @{ $bot } to the group first, then send its id again.
    [not_member] The shop's bot is not a member of this chat. Add @{ $bot } to it, then send its id again.
    [cannot_post] The shop's bot may not post in this chat. Allow it to send messages (in a channel: make it an admin), then try again.
   *[unreachable] Telegram could not be reached to check the chat. Please try again in a moment.
}
onb-chat-saved = ✅ Admin chat set: { $title }.{ $forum ->
    [yes] {" "}It has topics: you can choose one for receipts and one for tickets.
   *[other] {""}
}

onb-topic-prompt = { $step ->
    [rt] 🧾 Receipts topic: { $topic }
   *[other] 🎫 Tickets topic: { $topic }
}
    Send the topic's id (the number after the last slash of a message link in that topic), or skip to post in the general topic.
onb-topic-no-chat = Set the admin chat first: { $step ->
    [rt] receipts
   *[other] tickets
} go to a topic of that chat.
onb-topic-invalid = ❌ Send the topic's id as a whole positive number.
onb-topic-not-forum = ❌ The admin chat has no topics. Turn topics on in the group's settings, or skip this step.

onb-currency-prompt =
    💱 Currency: { $currency }
    Every price, balance and payment of the shop is in this currency. Choose it before the shop sells: it cannot change once the shop has customers.
onb-currency-locked = The currency cannot change once the shop has customers: their balances and prices are in it.

onb-squads-prompt =
    🧩 Panel squads chosen: { $count }
    The shop's customers are put in the squads ticked below (no squad: the panel's users get no servers). Press a squad to tick or untick it.
onb-squads-unavailable = { $reason ->
    [no_panel] 🧩 No panel is configured (REMNAWAVE_URL), so its squads cannot be listed. Skip this step; set the squads later from All settings.
   *[other] 🧩 The panel did not answer. Try again in a moment, or skip this step.
}
onb-squads-invalid = The panel's squad could not be saved.

onb-tag-prompt =
    🏷 Panel tag: { $tag }
    The tag marks this shop's users on the panel. Send up to 16 capital letters, digits or _.
onb-tag-invalid = ❌ A tag is 1 to 16 capital letters (A-Z), digits or _, such as SHOP_1.

onb-price-prompt =
    💲 Price per GB: { $price }
    What the shop's wallet pays you for every GB it sells. Send a whole number; 0 makes sales free for this shop.

onb-merchant-prompt =
    🏦 Zarinpal merchant id: { $merchant }
    Send the shop's Zarinpal merchant id (a UUID such as 1344b5d4-0048-11e8-94db-005056a205be). Turn the zarinpal feature on in Features for customers to see it.
onb-merchant-invalid = ❌ A Zarinpal merchant id is a UUID, such as 1344b5d4-0048-11e8-94db-005056a205be.

onb-sandbox-prompt =
    🧪 Zarinpal sandbox: { $sandbox }
    In the sandbox no real money moves: for testing only.

onb-name-prompt = ✏️ Send the new name of { $name }.
onb-name-invalid = ❌ A name is 1 to 128 characters.
onb-token-prompt = 🔑 Send the new token of { $name }'s bot from @BotFather (after /revoke, or another bot). I check it with Telegram first.
onb-token-changed = ✅ Token replaced: the shop now runs as @{ $username }.
onb-master-token = The master bot follows MASTER_BOT_TOKEN: it cannot be given a token or be deleted here.
onb-api-confirm = 🔐 Issue a new API token for { $name } (#{ $id })? The current one stops working at once.
onb-api-new =
    ✅ New API token of { $name }, shown this once; keep it safe:
    { $apiToken }
onb-delete-confirm = 🗑 Delete { $name } (#{ $id })? Its customers, subscriptions, plans, cards, payments and wallet go with it. This cannot be undone.
onb-deleted = 🗑 { $name } (#{ $id }) was deleted.

onb-settings-title = 🔧 Settings of { $name } (#{ $id }). Choose a group.
onb-setting-card =
    { $name } ({ $key })
    Value: { $value }
    Default: { $default }
    Expects: { $expects }
    { $tenant ->
        [yes] The shop's admins may change it too.
       *[other] Only operators may change it.
    }
onb-setting-ask = Send the new value of { $name }. Expected: { $expects }. Send - to clear it where it may be empty.
onb-setting-invalid = ❌ That value does not fit. Expected: { $expects }.
