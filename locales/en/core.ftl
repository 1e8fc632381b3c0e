## Errors
error-apology = Sorry, something went wrong on our side. Please try again in a moment.
error-flood-wait = Sorry for the wait: Telegram asked this bot to slow down for a moment. Please repeat your last step now.
admin-chat-unreachable =
    ⚠️ The admin chat no longer accepts this bot's messages (the bot was removed, or the chat is gone).
    Receipts and alerts now come to you here in private. Add the bot to the admin chat again, or set a new admin chat.
feature-disabled = This option is not available in this shop.

## Language
choose-language = Please choose your language:
language-changed = Language set to English.

## Rules
rules-default-text =
    By using this service you agree to:
    • use it lawfully and not resell access without permission;
    • not share your subscription link with others;
    • accept that refunds follow the shop's policy.
rules-prompt = Please read the rules and accept them to continue:
rules-accept = ✅ I accept
rules-accepted = Thank you. The rules are accepted.

## Required channel
channel-required = To use this bot, please join our channel first, then press "I've joined".
channel-join = 📢 Join the channel
channel-check = ✅ I've joined
channel-not-joined = You have not joined the channel yet.

## Main menu
welcome = Welcome, { $name }!
welcome-back = Welcome back, { $name }!
menu-title = Main menu: what would you like to do?
menu-buy = 🛒 Buy a subscription
menu-subscription = 📱 My subscription
menu-trial = 🎁 Free trial
menu-topup = 💳 Top up balance
menu-balance = 💰 Balance: { $balance }
menu-referral = 👥 Invite friends
menu-support = 🆘 Support
menu-language = 🌐 Language
menu-mini-app = 📲 Open the app
back-to-menu = ⬅️ Main menu

## Support
support-contact = For help, write to @{ $username }.
support-no-contact = Support is not reachable through the bot right now.

