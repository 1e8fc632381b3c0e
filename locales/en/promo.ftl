## Promo codes and customer groups (price lists)

## Customers
menu-promo = 🎟 Promo code
promo-ask = Send your promo code.
promo-holding = You already hold the code { $code } for your next purchase: its discount shows on the plans.
promo-unavailable = Promo codes are not available in this shop right now.
promo-held-percent = ✅ The code { $code } gives you { $percent } % off your next plan purchase. The plans now show your price.
promo-held-fixed = ✅ The code { $code } takes { $amount } off your next plan purchase. The plans now show your price.
promo-held-until = It is held for you until { $date }.
promo-credited =
    ✅ { $amount } was added to your balance.
    💰 Balance: { $balance }
promo-days-added = ✅ { $days } days were added to your subscription. You will get a message once it is applied.
promo-trial-started = ✅ Your { $days }-day trial is being set up; its link comes here in a moment.
promo-group-joined = ✅ You are now in the { $group } price list: the plans show your prices.
promo-error-holding-other = You already hold the code { $code } for your next purchase. Use it first, then enter another.
promo-error = { $reason ->
    [unknown] ❌ There is no such promo code. Check it and send it again.
    [expired] ❌ This promo code has expired.
    [not_yet_valid] ⏳ This promo code is not valid yet.
    [used_up] ❌ This promo code has been used up.
    [already_used] ❌ You have already used this promo code.
    [no_subscription] ❌ This code adds days to a subscription, and you have none yet. Buy one first.
    [trial_unavailable] ❌ This code is a trial for new customers; you have already had a trial or a subscription.
    [already_in_group] ✅ You are already in this price list.
    [balance_full] ❌ Your balance cannot take this credit. Contact support.
    [unavailable] ❌ The shop cannot apply this code right now. Try again later or contact support.
    [disabled] Promo codes are not available in this shop right now.
   *[other] ❌ This promo code cannot be used.
}
promo-not-applied = { $reason ->
    [not_for_plan] 🎟 Your code { $code } does not apply to this plan.
    [min_price] 🎟 Your code { $code } applies only to more expensive plans.
    [first_purchase] 🎟 Your code { $code } applies only to a first purchase.
   *[other] 🎟 Your code { $code } does not apply to this plan.
}
promo-price-line = 🎟 Code { $code }: { $listPrice } less { $discount }
promo-order-discount = 🎟 Your promo code took { $discount } off.

## Tenant admins: promo codes
adm-btn-promos = 🎟 Promo codes
adm-btn-promo-new = ➕ New code
adm-promos-title = 🎟 Promo codes ({ $count }), newest first, with their uses:
adm-promos-empty = No promo codes yet. Create one: a discount, a balance credit, extra days, a trial or a price list.
adm-promos-switched-off = ⚠️ Promo codes are switched off for this shop: customers cannot enter them until the operator switches them on.
adm-promo-button = { $active ->
    [yes] ✅
   *[no] ⏸
} { $code } · { $kind ->
    [percent] percent off
    [fixed] amount off
    [balance] balance
    [days] extra days
    [trial] trial
   *[group] price list
} · { $uses }
adm-promo-kind = { $kind ->
    [percent] 💯 Percent off
    [fixed] 💵 Amount off
    [balance] 💰 Balance credit
    [days] ⏳ Extra days
    [trial] 🎁 Trial
   *[group] 👥 Price list
}
adm-promo-pick-kind = What does the new code give?
adm-promo-pick-group = Which price list does the code move customers into?
adm-promo-no-groups = There is no active price list yet. Create one under "Price lists" first.
adm-promo-ask-code = Send the code: letters and digits (any language), and _ or -, up to 64. Customers may type it in any case.
adm-promo-bad-code = That is not a code: letters and digits only (and _ or -), up to 64.
adm-promo-code-taken = The code { $code } already exists in this shop. Send another.
adm-promo-ask-value = { $kind ->
    [percent] Send the discount in percent (1 to 100).
    [fixed] Send the amount taken off the price.
    [balance] Send the amount credited to the balance.
    [days] Send the number of days added to the subscription (1 to 3650).
   *[trial] Send the trial's days and GB, for example: 7 10 (0 GB is unlimited).
}
adm-promo-bad-value = { $kind ->
    [percent] Send a whole number from 1 to 100.
    [fixed] Send a whole amount greater than zero.
    [balance] Send a whole amount greater than zero.
    [days] Send a whole number of days from 1 to 3650.
   *[trial] Send two whole numbers: days (1 to 3650) and GB, for example: 7 10
}
adm-promo-ask-limits = Send the total number of uses and how many days the code stays valid, for example: 100 30 (0 means unlimited / no end). A third number sets how many times each customer may use it (1 if left out), for example: 100 30 2.
adm-promo-bad-limits = Send two or three whole numbers: uses, days and, if you like, uses per customer (1 to 1000), for example: 100 30 or 100 30 2 (0 means unlimited / no end).
adm-promo-not-created = The code could not be created. Try again.
adm-promo-created = ✅ The code { $code } was created.
adm-promo-not-found = This promo code does not exist in this shop.
adm-promo-value-percent = { $percent } % off
adm-promo-value-days = { $days } days
adm-promo-value-trial = { $days } days, { $traffic } GB
adm-promo-card =
    🎟 Code: { $code }
    Kind: { $kind ->
        [percent] percent off the next plan
        [fixed] amount off the next plan
        [balance] balance credit
        [days] extra days on a subscription
        [trial] a trial
       *[group] moves the customer into a price list
    }
    Gives: { $value }
    Uses: { $uses } (discounts held, not yet spent: { $held })
    Per customer: { $perCustomer }
    Valid from: { $from }
    Valid until: { $until }
    Status: { $active ->
        [yes] ✅ active
       *[no] ⏸ switched off
    }
    Link: { $link }
adm-promo-switched-on = ▶️ The code is active again.
adm-promo-switched-off = ⏸ The code is switched off.

## Tenant admins: customer groups (price lists)
adm-btn-groups = 👥 Price lists
adm-btn-group-new = ➕ New price list
adm-groups-title = 👥 Price lists: customers in a list pay its prices (its own plan prices, else its percent off).
adm-groups-empty = No price lists yet. Create one (for example "Colleagues"), give it a percent off or its own plan prices, then put customers in it from their card or with a promo code.
adm-group-button = { $active ->
    [yes] ✅
   *[no] ⏸
} { $name } · { $percent } %
adm-group-card =
    👥 Price list: { $name }
    Percent off: { $percent } %
    Status: { $active ->
        [yes] ✅ active
       *[no] ⏸ switched off (members pay the plans' prices)
    }
    Customers: { $members }
    Own plan prices:
    { $prices }
adm-group-no-prices = none (the percent applies to every plan)
adm-group-price-line = • { $plan }: { $price }
adm-btn-group-percent = 💯 Percent off
adm-btn-group-prices = 💵 Plan prices
adm-btn-group-delete = 🗑 Delete
adm-group-ask-name = Send the price list's name (up to 64 characters).
adm-group-name-taken = A price list with this name exists. Send another name.
adm-group-created = ✅ The price list { $name } was created.
adm-group-ask-percent = Send the percent off every plan for { $name } (0 to 100).
adm-group-bad-percent = Send a whole number from 0 to 100.
adm-group-saved = ✅ Saved.
adm-group-pick-plan = Pick a plan to set this list's own price for it:
adm-group-no-plans = This shop has no plans yet.
adm-group-plan-button = { $plan } · { $price } → { $own }
adm-group-ask-price = Send this list's price for { $plan } (its price is { $price }), or - to use the list's percent.
adm-group-bad-price = Send a whole amount (0 or more), or - to use the list's percent.
adm-group-not-found = This price list does not exist in this shop.
adm-group-kept = A promo code moves customers into this price list, so it was switched off rather than deleted.
adm-group-deleted = 🗑 The price list was deleted; its customers pay the plans' prices.
adm-btn-customer-group = 👥 Price list
adm-btn-customer-no-group = ✖️ No price list
adm-customer-group-pick = Price list of this customer: { $group }. Pick another:
adm-customer-group-set = ✅ Price list set.
adm-promo-conditions =
    🎟 Conditions of the discount code { $code }:
    { $lines }

    To set a minimum plan price, send it as a number (0: none). Press "Create the code" when it is ready.
adm-promo-conditions-lines =
    Plans: { $plans }
    First purchase only: { $first ->
        [yes] yes
       *[no] no
    }
    Minimum price: { $minPrice }
adm-promo-plans-all = every plan
adm-promo-min-none = none
adm-btn-promo-plans = 📋 Plans it applies to
adm-btn-promo-first = { $first ->
        [yes] ✅ First purchase only
       *[no] ▫️ First purchase only
    }
adm-btn-promo-create = ✅ Create the code
adm-promo-pick-plans = Which plans does the discount apply to? Tick them; with none ticked it applies to every plan.
adm-promo-no-plans = The shop has no active plans yet, so the discount applies to every plan it will have.
adm-promo-plan-button = { $on ->
        [yes] ✅
       *[no] ▫️
    } { $name }
adm-promo-bad-min-price = Send the minimum price as a whole number (0: none).
adm-promo-min-price-set = ✅ Minimum price set.
adm-promo-draft-gone = This code is no longer being made (it was cancelled or another question began). Start again with "New code".
