## Shop settings in the admin menu: what each setting accepts and the names of the choices
## (registry.ts's English `expects` is for the REST API and the operator's bot)

-adm-switch = On or Off; choose with the buttons below
-adm-pick = choose with the buttons below

adm-setting-not-saved = ❌ Not saved. Please try again.

adm-quoted = "{ $text }"
adm-money-unit-irt = Toman
adm-money-unit-usd = cents
adm-money-unit-rub = kopecks

adm-expects-default-language = one of { $choices }; { -adm-pick }
adm-expects-available-languages = a list of distinct languages from { $choices } (at least one), e.g. Persian, English
adm-expects-language-selection-enabled = { -adm-switch }
adm-expects-timezone = an IANA time zone such as Asia/Tehran or Europe/Moscow
adm-expects-skip-rules-acceptance = { -adm-switch }
adm-expects-rules-text = a text of at most 3,500 characters; press "Reset to default" for the built-in text
adm-expects-support-username = a Telegram username: 5 to 32 Latin letters, digits or _, starting with a letter (with or without @)
adm-expects-support-menu-enabled = { -adm-switch }
adm-expects-support-mode = one of { $choices }; { -adm-pick }
adm-expects-ticket-max-open = a whole number from 1 to 20
adm-expects-ticket-messages-per-minute = a whole number from 1 to 60
adm-expects-admin-chat-id = the Telegram id of the admin chat (a non-zero whole number; group ids are negative)
adm-expects-receipt-topic-id = the id of a topic in the admin chat (a positive whole number)
adm-expects-ticket-topic-id = the id of a topic in the admin chat (a positive whole number)
adm-expects-required-channel-enabled = { -adm-switch }
adm-expects-required-channel-id = the channel's numeric id (negative) or its @username
adm-expects-required-channel-link = the channel's full https:// invite link
adm-expects-max-subscriptions-per-customer = a whole number from 1 to 20
adm-expects-autopay-default = { -adm-switch }
adm-expects-autopay-hours-before = a whole number from 1 to 168 (hours)
adm-expects-autopay-min-balance = a whole amount from 0, in { $unit }
adm-expects-trial-days = an integer from 1 to 30 (days)
adm-expects-trial-traffic-gb = an integer from 0 to 100 (GB; 0 = unlimited)
adm-expects-trial-devices = an integer from 1 to 10
adm-expects-traffic-reset-strategy = one of { $choices }; { -adm-pick }
adm-expects-renewal-warning-days = a list of up to 5 distinct whole numbers from 1 to 60 (days), e.g. 3, 1; an empty list sends no reminders
adm-expects-comeback-days = a whole number from 0 to 90 (days; 0 = never)
adm-expects-traffic-warning-percents = a list of up to 5 distinct whole numbers from 1 to 99 (percent), e.g. 80, 95; an empty list sends no warnings
adm-expects-card-rotation-strategy = one of { $choices }; { -adm-pick }
adm-expects-card-rotation-interval-minutes = an integer from 1 to 10,080 (minutes; for timed rotation only)
adm-expects-receipt-expiry-hours = an integer from 1 to 720 (hours)
adm-expects-topup-presets = a list of 1 to 8 positive whole amounts in { $unit }, e.g. 50000, 100000
adm-expects-topup-min = a positive whole amount in { $unit }
adm-expects-topup-max = a positive whole amount in { $unit }
adm-expects-referral-min-topup = a whole amount from 0, in { $unit } (0 = any amount)
adm-expects-referral-first-topup-bonus = a whole amount from 0, in { $unit } (0 = no gift)
adm-expects-referral-inviter-bonus = a whole amount from 0, in { $unit } (0 = no bonus)
adm-expects-referral-commission-percent = a whole number from 0 to 100 (percent; 0 = no commission)
adm-expects-wallet-low-balance-warning = a whole amount from 0, in { $unit } (0 = no warning)

adm-choice-default-language-fa = Persian
adm-choice-default-language-en = English
adm-choice-default-language-ru = Russian
adm-choice-available-languages-fa = Persian
adm-choice-available-languages-en = English
adm-choice-available-languages-ru = Russian
adm-choice-support-mode-tickets = Tickets
adm-choice-support-mode-contact = Support username
adm-choice-support-mode-both = Both
adm-choice-traffic-reset-strategy-no-reset = Never
adm-choice-traffic-reset-strategy-day = Daily
adm-choice-traffic-reset-strategy-week = Weekly
adm-choice-traffic-reset-strategy-month = Monthly (on the 1st)
adm-choice-traffic-reset-strategy-month-rolling = Monthly (from the purchase day)
adm-choice-card-rotation-strategy-round-robin = In turn
adm-choice-card-rotation-strategy-random = Random
adm-choice-card-rotation-strategy-time-based = Timed
adm-choice-card-rotation-strategy-weighted = By success rate
