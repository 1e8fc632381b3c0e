## Меню администратора магазина (внутри бота каждого магазина, для его администраторов)

adm-menu-button = 🛠 Управление
adm-admins-only = Извините, это меню доступно только администраторам этого магазина.
adm-private-only = Пожалуйста, откройте меню администратора в личном чате с ботом: /admin
adm-master-hint = В главном боте панель операторов открывается командой /fleet.
adm-home =
    🛠 Меню администратора · { $shop }

    Управляйте тарифами и картами, меняйте настройки магазина, ищите клиентов и пополняйте их баланс, смотрите статистику продаж.
adm-cancelled = Отменено.

adm-btn-receipts = 🧾 Чеки на проверке ({ $count })
adm-btn-plans = 📦 Тарифы
adm-btn-cards = 💳 Карты
adm-btn-customers = 👥 Клиенты
adm-btn-stats = 📊 Статистика
adm-btn-settings = ⚙️ Настройки
adm-btn-home = 🛠 Меню администратора
adm-btn-back = ⬅️ Назад
adm-btn-cancel = ✖️ Отмена
adm-btn-confirm = ✅ Подтвердить
adm-btn-refresh = 🔄 Обновить
adm-btn-skip = ⏭ Пропустить
adm-btn-switch-off = ⏸ Отключить
adm-btn-switch-on = ▶️ Включить
adm-btn-plan-new = ➕ Новый тариф
adm-btn-edit-name = ✏️ Название
adm-btn-edit-price = 💵 Цена
adm-btn-edit-days = ⏳ Срок
adm-btn-edit-traffic = 📶 Трафик
adm-btn-edit-devices = 📱 Устройства
adm-btn-move-up = 🔼 Выше
adm-btn-move-down = 🔽 Ниже
adm-btn-card-new = ➕ Добавить карту
adm-btn-change = ✏️ Изменить
adm-btn-reset = ♻️ По умолчанию
adm-btn-credit = 💰 Пополнить баланс
adm-btn-search-again = 🔎 Новый поиск

## Чеки на проверке
adm-receipts-none = ✅ Нет чеков перевода с карты на карту, ожидающих решения.
adm-receipts-title = 🧾 Чеков ждут решения: { $count }{ $more ->
    [yes] {" "}(показаны самые старые; остальные — после решения по этим)
   *[other] {""}
}. Каждый чек ниже, с кнопками «Одобрить» и «Отклонить».

## Тарифы
adm-plans-title = 📦 Тарифы в том порядке, в котором их видят клиенты:
adm-plans-empty = Тарифов пока нет. Создайте первый.
adm-plan-line =
    { $position }. { $name } · { $price }
    { $days } дн. · { $traffic } · устройств: { $devices } · { $active ->
        [yes] ✅ в продаже
       *[other] ⏸ отключён
    }
adm-plan-card =
    📦 { $name } ({ $position } из { $count })
    💵 Цена: { $price }
    ⏳ Срок: { $days } дн.
    📶 Трафик: { $traffic }
    📱 Устройства: { $devices }
    Статус: { $active ->
        [yes] ✅ в продаже
       *[other] ⏸ отключён
    }
adm-plan-not-found = Такого тарифа нет (или он удалён).
adm-plan-new-title = ➕ Новый тариф
adm-plan-editing = ✏️ Изменение: { $name }
adm-plan-ask-name = Отправьте название тарифа (до 64 символов), например «1 месяц · 50 ГБ».
adm-plan-ask-days = Отправьте срок в днях: целое число от 1 до 3650.
adm-plan-ask-price = Отправьте цену: целое число не меньше 1, в валюте магазина.
adm-plan-ask-traffic = Отправьте трафик в ГБ: целое число от 0 до 100000 (0 = без ограничений).
adm-plan-ask-devices = Отправьте лимит устройств: целое число от 0 до 100 (0 = без ограничений).
adm-plan-bad-name = ❌ Название должно содержать от 1 до 64 символов. Отправьте ещё раз.
adm-plan-bad-days = ❌ Срок должен быть целым числом дней от 1 до 3650. Отправьте ещё раз.
adm-plan-bad-price = ❌ Цена должна быть целым числом не меньше 1. Отправьте ещё раз.
adm-plan-bad-traffic = ❌ Трафик должен быть целым числом ГБ от 0 до 100000 (0 = без ограничений). Отправьте ещё раз.
adm-plan-bad-devices = ❌ Лимит устройств должен быть целым числом от 0 до 100 (0 = без ограничений). Отправьте ещё раз.
adm-plan-not-created = ❌ Тариф не создан: { $reason }
adm-plan-created = ✅ Тариф «{ $name }» создан и выставлен на продажу.
adm-plan-saved = ✅ Сохранено.
adm-plan-moved = Перемещено.
adm-plan-switched-off = Тариф отключён: клиенты его больше не видят.
adm-plan-switched-on = Тариф снова в продаже.

## Карты
adm-cards-title = 💳 Карты для оплаты переводом с карты на карту:
adm-cards-empty = Карт пока нет. Добавьте карту, чтобы клиенты могли платить переводом.
adm-card-line =
    { $number } · { $holder } · { $bank }
    Успешность: { $rate } (одобрено: { $success }, отклонено: { $failure }) · { $active ->
        [yes] ✅ используется
       *[other] ⏸ отключена
    }
adm-card-card =
    💳 { $number }
    Владелец: { $holder }
    Банк: { $bank }
    Успешность: { $rate } (одобрено: { $success }, отклонено: { $failure })
    Показана клиентам: { $used } раз
    Статус: { $active ->
        [yes] ✅ используется
       *[other] ⏸ отключена
    }
adm-card-not-found = Такой карты нет (или она удалена).
adm-card-ask-number = Отправьте 16-значный номер карты (пробелы и дефисы допустимы).
adm-card-bad-number = ❌ Это неверный номер карты: в нём должно быть 16 цифр и правильная контрольная сумма. Проверьте и отправьте ещё раз.
adm-card-duplicate = ❌ Эта карта уже добавлена.
adm-card-ask-holder = Карта { $number }. Теперь отправьте имя владельца, как его показывает банк.
adm-card-bad-holder = ❌ Имя владельца должно содержать от 1 до 128 символов. Отправьте ещё раз.
adm-card-ask-bank = Отправьте название банка (до 64 символов) или нажмите «Пропустить».
adm-card-bad-bank = ❌ Название банка должно быть не длиннее 64 символов. Отправьте ещё раз.
adm-card-created = ✅ Карта { $number } добавлена и используется.
adm-card-switched-off = Карта отключена: клиентам она больше не показывается.
adm-card-switched-on = Карта снова используется.

## Настройки
adm-settings-title = ⚙️ Настройки этого магазина. Выберите группу:
adm-setting-line = • { $name }: { $value }
adm-setting-card =
    ⚙️ { $name }
    Текущее значение: { $value } { $source ->
        [tenant] (задано вами)
       *[other] (по умолчанию)
    }
    По умолчанию: { $default }
    Допустимо: { $expects }
adm-setting-ask =
    ✏️ { $name }
    Отправьте новое значение. Допустимо: { $expects }.{ $list ->
        [numbers] {" "}Разделяйте элементы запятыми; числа пишите без разделителей тысяч.
        [yes] {" "}Разделяйте элементы запятыми.
       *[other] {""}
    }{ $nullable ->
        [yes] {" "}Отправьте -, чтобы оставить пустым.
       *[other] {""}
    }
adm-setting-saved = ✅ Сохранено.
adm-setting-reset-done = ♻️ Возвращено значение по умолчанию.
adm-setting-invalid =
    ❌ Это значение не принято. Допустимо: { $expects }.
    Отправьте другое значение или отмените.
adm-setting-operator-only = ⛔ Эту настройку может изменить только оператор сервиса.
adm-setting-unknown = Такой настройки нет.
adm-value-on = ✅ Вкл.
adm-value-off = ⏸ Выкл.
adm-value-empty = (пусто)

adm-group-basics = 🌐 Основное
adm-group-support = 🆘 Поддержка
adm-group-notifications = 🔔 Уведомления
adm-group-required-channel = 📢 Обязательный канал
adm-group-trial = 🎁 Пробный период
adm-group-autopay = 🔁 Автопродление
adm-group-subscriptions = 📶 Подписки
adm-group-payments = 💳 Платежи
adm-group-wallet = 👛 Кошелёк

adm-label-default-language = Язык по умолчанию
adm-label-available-languages = Доступные языки
adm-label-language-selection-enabled = Спрашивать язык у новых клиентов
adm-label-timezone = Часовой пояс
adm-label-skip-rules-acceptance = Не спрашивать согласие с правилами
adm-label-rules-text = Текст правил
adm-label-support-username = Аккаунт поддержки
adm-label-support-menu-enabled = Поддержка в главном меню
adm-label-admin-chat-id = Чат администраторов
adm-label-receipt-topic-id = Тема для чеков в чате администраторов
adm-label-required-channel-enabled = Обязательная подписка на канал
adm-label-required-channel-id = Обязательный канал
adm-label-required-channel-link = Ссылка-приглашение в канал
adm-label-trial-days = Пробный период (дней)
adm-label-trial-traffic-gb = Трафик пробного периода (ГБ)
adm-label-trial-devices = Устройства пробного периода
adm-label-traffic-reset-strategy = Сброс трафика
adm-label-max-subscriptions-per-customer = Подписок на клиента (максимум)
adm-label-autopay-default = Автопродление для всех (если клиент не выключил)
adm-label-autopay-hours-before = За сколько часов до окончания продлевать
adm-label-autopay-min-balance = Остаток, который автопродление не трогает
adm-label-panel-squads = Сквады панели
adm-label-panel-tag = Тег в панели
adm-label-card-rotation-strategy = Ротация карт
adm-label-card-rotation-interval-minutes = Интервал ротации карт (минуты)
adm-label-receipt-expiry-hours = Срок действия чека (часы)
adm-label-topup-presets = Предлагаемые суммы пополнения
adm-label-topup-min = Минимальное пополнение
adm-label-topup-max = Максимальное пополнение
adm-label-stars-per-unit-price = Stars за 1 000 единиц
adm-label-wallet-unlimited-equivalent-gb = Эквивалент безлимитного тарифа (ГБ)
adm-label-wallet-billing-mode = Списание с кошелька (за продажу или по потреблению)
adm-label-wallet-consumption-grace = Допустимый долг при оплате по потреблению

## Клиенты
adm-customers-ask = 🔎 Отправьте Telegram id, @username или часть имени.
adm-customers-none = По запросу «{ $query }» никого не найдено. Отправьте другой запрос или отмените.
adm-customers-found = Найдено клиентов: { $count } (показывается не больше { $limit }). Выберите:
adm-customer-not-found = Такого клиента в этом магазине нет.
adm-customer-card =
    👤 { $name } · { $username }
    Telegram id: { $telegramId } · клиент #{ $id }
    💰 Баланс: { $balance }
    🌐 Язык: { $language }
    📅 С нами с: { $joined }

    { $subscription }

    🧾 Последние заказы:
    { $orders }
adm-customer-subscription =
    📶 Подписка: { $status }
    Истекает: { $expires } · трафик: { $used } из { $limit }
adm-customer-no-subscription = 📶 Подписки нет.
adm-customer-no-orders = пока нет
adm-customer-order = #{ $id } · { $plan } · { $price } · { $status } · { $date }
adm-order-created = ждёт оплаты
adm-order-paid = оплачен
adm-order-provisioning = активируется
adm-order-active = активен
adm-order-cancelled = отменён

adm-credit-ask-amount =
    💰 Пополнение баланса: { $name } (сейчас { $balance }).
    Отправьте сумму: целое число в валюте магазина.
adm-credit-bad-amount = ❌ Сумма должна быть целым числом больше 0. Отправьте ещё раз.
adm-credit-over-limit = ❌ Не зачислено: баланс может быть не больше { $max }, а этот может принять ещё только { $room }.
adm-credit-ask-reason = Сумма: { $amount }. Теперь отправьте причину (до 200 символов); она сохранится вместе с операцией.
adm-credit-bad-reason = ❌ Причина обязательна, и она должна быть не длиннее 200 символов. Отправьте ещё раз.
adm-credit-confirm =
    Зачислить { $amount } клиенту { $name }?
    Причина: { $reason }
adm-credit-expired = Это подтверждение уже использовано или устарело.
adm-credit-done-short = Зачислено.
adm-credit-done = ✅ Зачислено { $amount }. Новый баланс: { $balance }.
adm-credit-customer-notice = 💰 На ваш баланс зачислено { $amount }. Теперь ваш баланс: { $balance }.

## Статистика
adm-stats-paid = { $count } · { $sum }
adm-stats =
    📊 Статистика продаж

    👥 Клиенты: { $customers } (новых сегодня: { $newToday })
    📶 Активные подписки: { $active }

    🧾 Оплаченные заказы
    Сегодня: { $today }
    За 7 дней: { $week }
    За 30 дней: { $month }
