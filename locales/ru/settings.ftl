## Настройки магазина в меню администратора: что принимает каждая настройка и названия вариантов
## (английский `expects` из registry.ts — для REST API и бота оператора)

-adm-switch = вкл. или выкл.; выберите кнопками ниже
-adm-pick = выберите кнопками ниже

adm-setting-not-saved = ❌ Не сохранено. Попробуйте ещё раз.

adm-quoted = «{ $text }»
adm-money-unit-irt = томанах
adm-money-unit-usd = центах
adm-money-unit-rub = копейках

adm-expects-default-language = один из вариантов: { $choices }; { -adm-pick }
adm-expects-available-languages = список языков без повторов из: { $choices } (хотя бы один), например: персидский, английский
adm-expects-language-selection-enabled = { -adm-switch }
adm-expects-timezone = часовой пояс IANA, например Asia/Tehran или Europe/Moscow
adm-expects-skip-rules-acceptance = { -adm-switch }
adm-expects-rules-text = текст до 3 500 символов; для встроенного текста нажмите «По умолчанию»
adm-expects-support-username = имя пользователя Telegram: от 5 до 32 латинских букв, цифр или _, начиная с буквы (с @ или без)
adm-expects-support-menu-enabled = { -adm-switch }
adm-expects-support-mode = один из вариантов: { $choices }; { -adm-pick }
adm-expects-ticket-max-open = целое число от 1 до 20
adm-expects-ticket-messages-per-minute = целое число от 1 до 60
adm-expects-admin-chat-id = id чата администраторов в Telegram (целое число, не ноль; у групп id отрицательный)
adm-expects-receipt-topic-id = id темы в чате администраторов (целое положительное число)
adm-expects-ticket-topic-id = id темы в чате администраторов (целое положительное число)
adm-expects-required-channel-enabled = { -adm-switch }
adm-expects-required-channel-id = числовой id канала (отрицательный) или его @username
adm-expects-required-channel-link = полная ссылка-приглашение в канал, начинающаяся с https://
adm-expects-max-subscriptions-per-customer = целое число от 1 до 20
adm-expects-autopay-default = { -adm-switch }
adm-expects-autopay-hours-before = целое число от 1 до 168 (часов)
adm-expects-autopay-min-balance = целая сумма от 0, в { $unit }
adm-expects-trial-days = целое число от 1 до 30 (дней)
adm-expects-trial-traffic-gb = целое число от 0 до 100 (ГБ; 0 — без ограничений)
adm-expects-trial-devices = целое число от 1 до 10
adm-expects-traffic-reset-strategy = один из вариантов: { $choices }; { -adm-pick }
adm-expects-renewal-warning-days = список из не более чем 5 разных целых чисел от 1 до 60 (дней), например 3, 1; пустой список — без напоминаний
adm-expects-comeback-days = целое число от 0 до 90 (дней; 0 — никогда)
adm-expects-traffic-warning-percents = список из не более чем 5 разных целых чисел от 1 до 99 (процентов), например 80, 95; пустой список — без предупреждений
adm-expects-card-rotation-strategy = один из вариантов: { $choices }; { -adm-pick }
adm-expects-card-rotation-interval-minutes = целое число от 1 до 10 080 (минут; только для ротации по времени)
adm-expects-receipt-expiry-hours = целое число от 1 до 720 (часов)
adm-expects-topup-presets = список от 1 до 8 целых положительных сумм в { $unit }, например 50000, 100000
adm-expects-topup-min = целая положительная сумма в { $unit }
adm-expects-topup-max = целая положительная сумма в { $unit }
adm-expects-referral-min-topup = целая сумма от 0, в { $unit } (0 — любая сумма)
adm-expects-referral-first-topup-bonus = целая сумма от 0, в { $unit } (0 — без подарка)
adm-expects-referral-inviter-bonus = целая сумма от 0, в { $unit } (0 — без бонуса)
adm-expects-referral-commission-percent = целое число от 0 до 100 (процентов; 0 — без комиссии)
adm-expects-wallet-low-balance-warning = целая сумма от 0, в { $unit } (0 — без предупреждения)

adm-choice-default-language-fa = персидский
adm-choice-default-language-en = английский
adm-choice-default-language-ru = русский
adm-choice-available-languages-fa = персидский
adm-choice-available-languages-en = английский
adm-choice-available-languages-ru = русский
adm-choice-support-mode-tickets = тикеты
adm-choice-support-mode-contact = аккаунт поддержки
adm-choice-support-mode-both = оба варианта
adm-choice-traffic-reset-strategy-no-reset = никогда
adm-choice-traffic-reset-strategy-day = ежедневно
adm-choice-traffic-reset-strategy-week = еженедельно
adm-choice-traffic-reset-strategy-month = ежемесячно (1-го числа)
adm-choice-traffic-reset-strategy-month-rolling = ежемесячно (со дня покупки)
adm-choice-card-rotation-strategy-round-robin = по очереди
adm-choice-card-rotation-strategy-random = случайно
adm-choice-card-rotation-strategy-time-based = по времени
adm-choice-card-rotation-strategy-weighted = по успешности
