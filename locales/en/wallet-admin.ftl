## Admin menu: the shop's wallet with the operator

wallet-admin-btn = 👛 Wallet
wallet-admin-title = 👛 The wallet of { $shop } with the operator
wallet-admin-balance =
    Balance: { $balance }
    Price per GB: { $price }
wallet-admin-month =
    📅 This month (since { $since }):
    Sales: { $sales } orders, { $sold } · consumed: { $consumed }
    Debited from the wallet: { $spent } · topped up: { $toppedUp }
wallet-admin-totals = Since the start: { $sold } sold · { $consumed } consumed
wallet-admin-warning-at = 🔔 Low-balance warning: when the balance falls below { $threshold }
wallet-admin-warning-off = 🔕 The low-balance warning is off.
wallet-admin-low-now = ⚠️ The wallet is below your warning threshold; top it up before sales stop.
wallet-admin-empty-now = ⛔ The wallet is empty: new sales are refused until it is topped up.
wallet-admin-btn-history = 🧾 History
wallet-admin-btn-topup = 💳 Top up
wallet-admin-btn-warning = 🔔 Warning threshold
wallet-admin-btn-newest = ⏮ Newest
wallet-admin-btn-older = Older ▶️
wallet-admin-history-title = 🧾 Wallet history
wallet-admin-history-empty = No wallet entries yet.
wallet-admin-line =
    { $date } · { $kind ->
        [topup] 💰 Top-up
        [sale] 🛒 Sale
        [refund] ↩️ Refund
        [adjustment] ✏️ Operator correction
        [consumption] 📶 Daily consumption
       *[other] Other
    } { $amount }
    Balance after: { $balance } { $detail }
wallet-admin-detail = { $kind ->
    [sale] (order #{ $order }, { $traffic })
    [refund] (order #{ $order }, { $traffic })
    [consumption] ({ $traffic })
   *[other] {""}
}
wallet-admin-topup-title = 💳 Top up the wallet
wallet-admin-topup-contact =
    The operator tops up the wallet. Write to { $contact } with your shop number (#{ $shop }) and the amount; once paid, the balance shows here.
wallet-admin-topup-no-contact =
    The operator tops up the wallet. Contact the operator who set this bot up for you with your shop number (#{ $shop }) and the amount.
wallet-admin-btn-support = 💬 Write to the operator's support
wallet-admin-btn-master = 🛰 The operator's bot
wallet-admin-warning-ask =
    Below which balance should I warn you? (now: { $current })
    Send a whole amount; 0 means no warning.
wallet-admin-warning-none = no warning
wallet-admin-warning-invalid = Please send a whole amount without decimals (e.g. 500000); 0 turns the warning off.
wallet-admin-warning-saved = ✅ You will be warned once each time the balance falls below { $threshold }.
wallet-admin-warning-cleared = ✅ The low-balance warning is off.
wallet-admin-low-alert =
    ⚠️ The shop wallet is down to { $balance }, below your warning threshold ({ $threshold }).
    Top it up before sales stop.
# the label of this setting in the settings section
adm-label-wallet-low-balance-warning = Wallet low-balance warning
