## Главный бот: панель операторов

master-health = { $health ->
    [healthy] ✅ в порядке
    [unauthorized] ⛔ токен отозван
    [failing] ⚠️ сбои
   *[other] ❔ ещё не проверен
}
master-active = { $active ->
    [yes] 🟢 активен
   *[other] ⏸ приостановлен
}
master-is-master = (главный бот)

master-currency = { $currency ->
    [IRT] томан
    [USD] USD
    [RUB] руб.
   *[other] { $currency }
}

master-operators-only = Эта панель доступна только операторам платформы.
master-home =
    🛰 Панель управления платформой

    Добавьте бота-магазин, откройте магазин, чтобы включить или приостановить его, переключить функции, задать оптовую цену или пополнить кошелёк, либо посмотрите статистику платформы.
master-cancelled = Отменено.

master-btn-add = ➕ Добавить магазин
master-btn-tenants = 📋 Магазины
master-btn-stats = 📊 Статистика
master-btn-home = 🛰 Панель
master-btn-cancel = ✖️ Отмена
master-btn-open = 🔎 Открыть магазин
master-btn-prev = ◀️ Назад
master-btn-next = Далее ▶️
master-btn-refresh = 🔄 Обновить
master-btn-suspend = ⏸ Приостановить
master-btn-activate = ▶️ Включить
master-btn-features = 🧩 Функции
master-btn-topup = 💰 Пополнить кошелёк
master-btn-price = 🏷 Цена за ГБ
master-btn-wallet = 🧾 История кошелька
master-btn-back = ⬅️ Назад
master-btn-confirm = ✅ Подтвердить

## Добавление магазина
master-add-prompt =
    Отправьте токен бота нового магазина в том виде, в каком его выдал @BotFather (123456789:ABC…).
    Перед сохранением я проверю его в Telegram.
master-token-invalid = Это не похоже на токен бота. Скопируйте токен из @BotFather целиком (123456789:ABC…) и отправьте ещё раз.
master-token-rejected = Telegram не принимает этот токен: он отозван или введён с ошибкой. Создайте новый в @BotFather и отправьте ещё раз.
master-token-unreachable = Не удалось связаться с Telegram для проверки токена. Попробуйте ещё раз чуть позже.
master-token-taken = Этот бот уже подключён как магазин: { $name } (#{ $id }).
master-token-taken-race = Этот бот только что был подключён как магазин. Найдите его в списке магазинов.
master-tenant-added =
    ✅ Магазин добавлен: { $name } (@{ $username }), #{ $id }.
    Бот начнёт отвечать через несколько секунд.

    API-токен этого магазина показывается только один раз; сохраните его в надёжном месте:
    { $apiToken }

## Магазины
master-list-title = 📋 Магазины, страница { $page }
master-list-empty = Магазинов пока нет.
master-list-line =
    #{ $id } { $name } (@{ $username }) { $master }
    { $active } · { $health } · продажи: { $sales } ({ $amount })
master-tenant-not-found = Этого магазина больше нет.
master-tenant-card =
    🤖 { $name } (@{ $username }) · #{ $id } { $master }
    Статус: { $active }
    Состояние: { $health } { $healthError }

    Покупатели: { $customers } · активные подписки: { $subscriptions }
    Продажи: { $sales } ({ $amount })

    Кошелёк: { $balance } · цена за ГБ: { $price }
    Продано трафика: { $sold } ГБ · израсходовано: { $consumed } ГБ
master-cannot-suspend-master = Главного бота нельзя приостановить из него самого.
master-activated = Магазин включён.
master-suspended = Магазин приостановлен.
master-features-title = 🧩 Функции магазина { $name } (#{ $id }). Нажмите, чтобы включить или выключить.
master-feature-on = { $key } включено.
master-feature-off = { $key } выключено.

## Кошелёк
master-wallet-title = 🧾 Кошелёк магазина { $name } (#{ $id }), последние операции
master-wallet-empty = Операций пока нет.
master-wallet-line = { $date } · { $kind } { $amount } → { $balance } { $reason }
master-number-invalid = Отправьте целое число, только цифры (например, 500000).
master-price-prompt =
    Оптовая цена за ГБ для магазина { $name } (сейчас { $price }).
    Отправьте новую цену целым числом; 0 делает продажи для этого магазина бесплатными.
master-price-set = ✅ Цена за ГБ: { $price }.
master-topup-prompt =
    Пополнение кошелька магазина { $name } (сейчас на балансе { $balance }).
    Отправьте сумму пополнения целым числом.
master-topup-confirm = Зачислить { $amount } в кошелёк магазина { $name } (#{ $id })?
master-topup-expired = Это пополнение больше не ожидает подтверждения. Начните заново со страницы магазина.
master-topup-done = ✅ Кошелёк пополнен на { $amount }. Новый баланс: { $balance }.
master-topup-over-limit = ❌ Не пополнено: в кошельке может быть не больше { $max }, а этот может принять ещё только { $room }.

## Статистика платформы
master-stats =
    📊 Статистика платформы

    Магазины: { $total } (активны { $active }, приостановлены { $suspended })
    Состояние активных: ✅ { $healthy } в порядке · ⚠️ { $unhealthy } с проблемами
    Покупатели: { $customers }
    Активные подписки: { $subscriptions }
    Продажи: { $sales } ({ $amount })
    Кошельки: всего { $wallets }
    Продано трафика: { $sold } ГБ · израсходовано: { $consumed } ГБ
