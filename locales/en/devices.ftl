## A subscription's devices and a new link (src/bot/features/shop/devices.ts, new-link.ts)

# the card's buttons
devices-button = 📱 Devices
link-button = 🔗 New link

# the device list
devices-title = 📱 Devices of { $name }: { $count } connected, { $limit } allowed
devices-none = No device has connected with this subscription yet.
devices-hint = Removing a device frees its place. An app that still has the link takes a place again when it next updates; to keep a device out for good, also get a new link.
devices-line = { $number }. { $device } · added { $date }
devices-line-undated = { $number }. { $device }
devices-more = …and { $count } more.
device-unknown = Unknown device
device-platform-android = Android
device-platform-ios = iOS
device-platform-windows = Windows
device-platform-macos = macOS
device-platform-linux = Linux
devices-remove = ❌ { $number }. { $device }
devices-remove-all = 🗑 Remove all devices
devices-remove-all-confirm = Remove all devices of { $name } ({ $count })? Each one connects again only after it fetches the subscription again.
devices-remove-all-yes = ✅ Yes, remove all
devices-back = ⬅️ Back to the devices
devices-removed = ✅ Device removed.
devices-already-removed = This device was removed already.
devices-all-removed = ✅ All devices were removed.

# a new link
link-confirm =
    🔗 A new link for { $name }

    Your current link stops working at once: every app that uses it disconnects until you import the new link. Your days, traffic and devices stay as they are.

    Get a new link?
link-confirm-yes = ✅ Yes, give me a new link
link-cancel = ❌ Cancel
link-cancelled = Your link is unchanged.
link-renewed = ✅ Here is your new link. Import it into your apps again; the old one no longer works.
link-current = This is your current link; it was renewed already.

# what stops a request
devices-panel-unavailable = The server is not answering right now. Please try again in a few minutes.
devices-panel-lost = This subscription cannot be found on the server right now. Please contact support.
devices-not-ready = This subscription is still being activated. Please try again in a moment.
