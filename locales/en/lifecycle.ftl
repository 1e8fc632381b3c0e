## Expiry and traffic notices
lifecycle-subscription-only = Your subscription
lifecycle-expiry-warning =
    ⏳ { $name } ends in { $count ->
        [one] { $days } day
       *[other] { $days } days
    }, on { $date }.
    Renew it now so your connection is not cut.
lifecycle-expiry-warning-trial =
    ⏳ Your trial ends in { $count ->
        [one] { $days } day
       *[other] { $days } days
    }, on { $date }.
    If you liked it, buy a subscription to stay connected without a break.
lifecycle-expired =
    ⌛ { $name } ended on { $date } and no longer connects.
    Renew it to connect again.
lifecycle-expired-trial =
    ⌛ Your trial ended on { $date }.
    Buy a subscription to keep using the service.
lifecycle-come-back =
    👋 We miss you! { $name } ended { $count ->
        [one] { $days } day
       *[other] { $days } days
    } ago.
    Whenever you like, renew it and you are connected again.
lifecycle-come-back-trial =
    👋 Your trial ended { $count ->
        [one] { $days } day
       *[other] { $days } days
    } ago.
    If you liked it, buy a subscription and connect again.
lifecycle-traffic =
    📶 { $percent }% of the traffic of { $name } is used ({ $used } of { $limit }).
    Buy extra traffic or renew before it runs out.
lifecycle-traffic-trial =
    📶 { $percent }% of your trial's traffic is used ({ $used } of { $limit }).
    Buy a subscription to keep going without limits.
lifecycle-button-renew = 🔄 Renew
lifecycle-button-traffic = ➕ Extra traffic or renewal

## Settings of the notices (admin)
adm-group-notices = ⏰ Customer reminders
adm-label-renewal-warning-days = Reminders before expiry (days)
adm-label-comeback-days = Invite back after expiry (days, 0 = off)
adm-label-traffic-warning-percents = Traffic warnings (percent used)
lifecycle-autopay-short =
    🔁 Autopay could not renew { $name }: your balance is short.
    Top up before { $date } and it is renewed without a break.
