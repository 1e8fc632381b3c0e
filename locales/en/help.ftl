## Help pages: the FAQ and connection guides (main menu), and their screens in the admin menu

## Customers
menu-help = ❓ Help
help-title =
    ❓ Help

    Choose a question, or the app you use to see how to connect:
help-guides-title =
    📱 How to connect

    Choose the app you use:
help-empty = There is no help page here yet. For help, write to support.
help-page-missing = This page is no longer available.
help-btn-back = ⬅️ Help
help-btn-guides = 📱 How to connect

## Default pages: a connection guide per app, then common questions
help-guide-v2rayng-title = v2rayNG (Android)
help-guide-v2rayng-body =
    📱 Connecting with v2rayNG on Android

    1. Get the app: install v2rayNG from Google Play, or download the latest version from its page on GitHub.
    2. Copy your link: in this bot open “📱 My subscription”, then press and hold the subscription link and choose Copy.
    3. Import it: open v2rayNG, tap “+” at the top and choose “Import config from clipboard”.
    4. Update it: tap the ⋮ menu at the top and choose “Update subscription”; the servers appear in the list.
    5. Connect: choose a server and tap the round button at the bottom. The first time, allow the connection request.

    From time to time, update the subscription again (step 4) to get new servers.
help-guide-hiddify-title = Hiddify (Android, iOS, Windows, macOS)
help-guide-hiddify-body =
    📱 Connecting with Hiddify

    1. Get the app: on Android from Google Play, on iPhone, iPad and Mac from the App Store, on Windows and macOS from Hiddify’s website or its page on GitHub.
    2. Copy your link: in this bot open “📱 My subscription”, then press and hold the subscription link and choose Copy.
    3. Import it: open Hiddify, tap “New profile” (or “+”) and choose “Add from clipboard”.
    4. Connect: tap the large round button in the middle of the screen. The first time, allow the connection request.

    Hiddify updates the subscription by itself; to update it now, tap the refresh button on the profile.
help-guide-streisand-title = Streisand (iOS)
help-guide-streisand-body =
    📱 Connecting with Streisand on iPhone and iPad

    1. Get the app: install Streisand from the App Store.
    2. Copy your link: in this bot open “📱 My subscription”, then press and hold the subscription link and choose Copy.
    3. Import it: open Streisand, tap “+” at the top right and choose the option to import from the clipboard; the subscription and its servers are added.
    4. Connect: choose a server and turn on the switch at the top. The first time, allow adding the connection settings.

    To get new servers later, pull the server list down to update the subscription.
help-guide-v2box-title = V2Box (iOS, Android)
help-guide-v2box-body =
    📱 Connecting with V2Box

    1. Get the app: install V2Box from the App Store (iPhone, iPad) or from Google Play (Android).
    2. Copy your link: in this bot open “📱 My subscription”, then press and hold the subscription link and choose Copy.
    3. Import it: open V2Box, go to the “Configs” tab, tap “+” and choose “Add subscription”; paste the link into the address field, give it any name and save.
    4. Connect: choose a server in the list, go to the “Home” tab and tap the connect button. The first time, allow the connection request.
help-guide-happ-title = Happ (iOS, Android)
help-guide-happ-body =
    📱 Connecting with Happ

    1. Get the app: install Happ from the App Store (iPhone, iPad) or from Google Play (Android).
    2. Copy your link: in this bot open “📱 My subscription”, then press and hold the subscription link and choose Copy.
    3. Import it: open Happ, tap “+” at the top right and choose to paste from the clipboard; the subscription and its servers are added.
    4. Connect: choose a server and tap the connect button. The first time, allow the connection request.
help-faq-link-title = Where is my subscription link?
help-faq-link-body =
    🔗 Your subscription link

    Open “📱 My subscription” from the main menu: your subscription’s card shows its link and a QR code. Put the link into your app (see the connection guides), or scan the QR code with it.

    The link is yours alone: do not share it. If you think someone else has it, ask support for a new one, or use the new link button on your subscription’s card if it is there.
help-faq-not-connecting-title = It does not connect: what can I do?
help-faq-not-connecting-body =
    🛠 If it does not connect

    1. In “📱 My subscription”, check that your subscription is active and has traffic left.
    2. Update the subscription in your app, so it has the latest servers.
    3. Try another server from the list.
    4. Make sure your device’s date and time are set automatically.
    5. Turn the app off and on again; if that does not help, remove the subscription from the app and import the link again.

    Still not working? Write to support and say which app and device you use.
help-faq-devices-title = On how many devices can I use it?
help-faq-devices-body =
    📱 Devices

    Your plan sets how many devices may use your subscription; “📱 My subscription” shows the number. Put the same link into the app on each device.

    When the limit is reached, a new device cannot connect: remove a device you no longer use from your subscription’s card if that button is there, or ask support.

## Admins
adm-btn-help = ❓ Help pages
adm-help-title =
    ❓ Help pages, in the order customers see them from “Help” in the main menu.
    ✏️ the shop’s own text · 🙈 hidden from customers
adm-help-line = { $position }. { $marks }{ $title }
adm-help-kind = { $kind ->
    [guide] 📱 Connection guide
   *[faq] ❓ Question
}
adm-help-language = { $language ->
    [fa] Persian
    [en] English
   *[ru] Russian
}
adm-help-text-state = { $state ->
    [own] ✏️ the shop’s own text
    [default] the built-in text
   *[none] no text (shows another language)
}
adm-help-card =
    { $kind }: { $title } ({ $position } of { $count })
    { $status }
    { $origin }

    Texts:
    { $texts }

    What customers reading in your language see:
    ━━━━━━━━━━
    { $preview }
adm-help-status-hidden = 🙈 Hidden from customers
adm-help-status-shown = 👁 Shown to customers
adm-help-origin-default = A default page of every shop.
adm-help-origin-changed = A default page, changed by this shop.
adm-help-origin-own = A page of this shop’s own.
adm-help-card-text-line = { $language }: { $state }
adm-btn-help-edit = ✏️ { $language }
adm-btn-help-hide = 🙈 Hide
adm-btn-help-show = 👁 Show
adm-btn-help-delete = 🗑 Delete
adm-btn-help-new = ➕ Add a question
adm-help-ask-text =
    ✏️ { $title }: send the page in { $language } as one message.
    The first line is the title (the page’s button, at most { $titleMax } characters); the lines after it are the text (at most { $bodyMax } characters). It is shown exactly as you send it, as plain text.

    The text customers read now (copy it to start from it):
adm-help-ask-new =
    ➕ A new question: send it in { $language } as one message.
    The first line is the question (its button, at most { $titleMax } characters); the lines after it are the answer (at most { $bodyMax } characters). It is shown exactly as you send it, as plain text. You can add the other languages afterwards from its card.
adm-help-need-body = ❌ Not saved: the first line is the title, and the text goes on the lines after it. Send both in one message.
adm-help-title-too-long = ❌ Not saved: the title (the first line) has { $length } characters; at most { $max }.
adm-help-body-too-long = ❌ Not saved: the text has { $length } characters; at most { $max }.
adm-help-bad-characters = ❌ Not saved: the text holds invisible control characters. Send it again without them.
adm-help-too-many = ❌ A shop can have at most { $max } pages of its own. Delete one first.
adm-help-saved = ✅ Saved. Customers reading in { $language } now see this text.
adm-help-created = ✅ The question was added at the end of the list.
adm-help-switched-hidden = Hidden from customers.
adm-help-switched-shown = Shown to customers.
adm-help-moved = Moved.
adm-help-reset-done = Back to the default text, place and visibility.
adm-help-deleted = The page was deleted.
adm-help-not-found = This page does not exist (or was deleted).
adm-help-reset-ask = ♻️ Bring “{ $title }” back to its default text, place and visibility? The shop’s own texts of this page are deleted.
adm-help-delete-ask = 🗑 Delete “{ $title }”? Customers will no longer see it, in any language.
