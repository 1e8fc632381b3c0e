## Extra traffic and extra day packs (a subscription's card, and the tenant admin menu)

## Customers
pack-btn-traffic = 📶 Extra traffic
pack-btn-days = ⏳ Extra days
pack-amount-days = { $amount } days
pack-button = ➕ { $amount } · { $price }
pack-list-traffic =
    📶 Extra traffic for { $name }
    Traffic: { $used } of { $limit }

    Choose a pack; its traffic is added to the limit until the next renewal (a renewal starts the period again with the plan's traffic).
pack-list-days =
    ⏳ Extra days for { $name }
    Expires: { $date } ({ $days } days left)

    Choose a pack; its days are added to the expiry, or to today if it has passed.
pack-details-traffic =
    📶 { $amount } of extra traffic for { $name }
    Traffic now: { $used } of { $limit }
    💵 Price: { $price }
pack-details-days =
    ⏳ { $amount } extra for { $name }
    Expires now: { $date } ({ $days } days left)
    💵 Price: { $price }
pack-paid =
    ✅ Paid { $price } for { $amount } extra.
    It is being added to your subscription; you will get a message as soon as it is applied.
pack-unavailable = This pack is no longer on sale.
pack-none = No packs of this kind are on sale right now.
pack-unlimited = This subscription has unlimited traffic: there is nothing to add.
pack-subscription-unavailable = This subscription cannot take this pack.

## Tenant admins
adm-btn-packs = 🎁 Extra packs
adm-btn-pack-new = { $kind ->
    [traffic] ➕ Traffic pack
   *[days] ➕ Day pack
}
adm-btn-pack-amount = { $kind ->
    [traffic] 📶 Traffic
   *[days] ⏳ Days
}
adm-packs-title = 🎁 Extra packs customers can add to a subscription, in the order they see them:
adm-packs-empty = There are no extra packs yet. Create a traffic pack (GB added to a subscription's limit) or a day pack (days added to its expiry).
adm-packs-group = { $kind ->
    [traffic] 📶 Extra traffic
   *[days] ⏳ Extra days
}
adm-pack-line = { $position }. { $amount } · { $price } · { $active ->
        [yes] ✅ on sale
       *[other] ⏸ switched off
    }
adm-pack-card =
    { $kind ->
        [traffic] 📶 Extra traffic pack
       *[days] ⏳ Extra day pack
    }: { $amount } ({ $position } of { $count })
    💵 Price: { $price }
    Status: { $active ->
        [yes] ✅ on sale
       *[other] ⏸ switched off
    }
adm-pack-not-found = This pack does not exist (any more).
adm-pack-new-title = { $kind ->
    [traffic] ➕ New traffic pack
   *[days] ➕ New day pack
}
adm-pack-editing = ✏️ Editing the pack of { $amount }
adm-pack-ask-amount = { $kind ->
    [traffic] Send the traffic this pack adds, in GB: a whole number from 1 to { $max }.
   *[days] Send the number of days this pack adds: a whole number from 1 to { $max }.
}
adm-pack-ask-price = Send the price: a whole number of at least 1, in the shop's currency.
adm-pack-bad-amount = { $kind ->
    [traffic] ❌ The traffic must be a whole number of GB from 1 to { $max }. Send it again.
   *[days] ❌ The days must be a whole number from 1 to { $max }. Send it again.
}
adm-pack-bad-price = ❌ The price must be a whole number of at least 1. Send it again.
adm-pack-not-created = ❌ The pack was not created. Please try again.
adm-pack-created = { $kind ->
    [traffic] ✅ The traffic pack of { $amount } is created and on sale.
   *[days] ✅ The day pack of { $amount } is created and on sale.
}
adm-pack-saved = ✅ Saved.
adm-pack-moved = Moved.
adm-pack-switched-off = Pack switched off: customers no longer see it.
adm-pack-switched-on = The pack is on sale again.
