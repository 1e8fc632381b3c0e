## Maintenance mode (src/bot/features/maintenance-*.ts)

# to a customer, while the shop or the whole platform is in maintenance
mnt-back-soon = 🚧 We are down for maintenance and will be back soon. Please try again a little later.

mnt-state = { $on ->
    [yes] 🚧 on since { $since }
   *[other] ✅ off
}

# the shop's admin menu
mnt-adm-btn = { $on ->
    [yes] 🚧 Maintenance: on
   *[other] 🚧 Maintenance
}
mnt-adm-screen =
    🚧 Maintenance mode · { $shop }

    Shop: { $state }

    While it is on, customers get only the "back soon" line and nothing is done for them; messages and notices to customers wait and go out once it ends. You and the other admins work as usual, and payments already made are not lost.

    Message to customers:
    { $message }
mnt-adm-platform-note = ⚠️ The operators put the whole platform in maintenance since { $since }: until it ends, your customers get this line too.
mnt-adm-btn-on = 🚧 Start maintenance
mnt-adm-btn-off = ✅ End maintenance
mnt-adm-btn-message = ✏️ Message to customers
mnt-adm-turned-on = Maintenance is on.
mnt-adm-turned-off = Maintenance is off; waiting messages go out now.

# setting labels (the admin menu's settings)
adm-group-maintenance = 🚧 Maintenance
adm-label-maintenance-message = Maintenance message
adm-expects-maintenance-message = a text of at most 200 characters; press "Reset to default" for the built-in line

# the operators' panel (master bot)
mnt-master-btn = { $on ->
    [yes] 🚧 Platform maintenance: on
   *[other] 🚧 Platform maintenance
}
mnt-master-screen =
    🚧 Platform maintenance

    State: { $state }
    Shops in maintenance of their own: { $shops }

    While it is on, the customers of every shop get only the "back soon" line and messages to customers wait. Shop admins and operators work as usual; provisioning, traffic sync and billing go on.
mnt-master-btn-on = 🚧 Start platform maintenance
mnt-master-btn-off = ✅ End platform maintenance
mnt-master-platform-on = Platform maintenance is on.
mnt-master-platform-off = Platform maintenance is off; waiting messages go out now.
mnt-master-shop-btn = 🚧 Maintenance
mnt-master-shop-screen =
    🚧 Maintenance mode · { $name } · #{ $id }

    Shop: { $state }
    Platform maintenance: { $platform }
mnt-master-shop-on = The shop is in maintenance.
mnt-master-shop-off = The shop's maintenance is off.
