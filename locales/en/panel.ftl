## The panel's webhooks: a panel user deleted behind the shop's back

# To the shop's admins.
panel-lost-admins =
    ⚠️ The panel deleted the VPN user of { $customer } (Telegram id { $telegramId }), subscription { $number }.
    What they paid for is kept (until { $expires }): it is created again at their next renewal, or now with "{ $button }" on their card ({ $menu } → { $customers }).
# To the operators, through the master bot.
panel-lost-operators =
    ⚠️ Panel user { $username } of the shop { $shop } (#{ $shopId }) was deleted on the panel.
    The shop's admins were told. The subscription stays paid until { $expires } and is created again at its next renewal or from the customer's card.

## The customer's card in the admin menu

adm-customer-lost = ⚠️ Subscription { $number }: the panel deleted its user.
adm-btn-reprovision = ♻️ Restore subscription { $number } on the panel
adm-reprovision-done = ✅ Subscription { $number } is on the panel again.
adm-reprovision-expired = This subscription has expired: there is nothing to restore. A renewal creates it again.
adm-reprovision-unavailable = The panel did not answer. Nothing changed; try again in a moment.
