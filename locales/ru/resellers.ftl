## Реселлеры: «Открыть свой магазин» в главном боте, тарифы реселлеров (операторы), плата магазина

reseller-open-shop = 🏪 Открыть свой магазин
reseller-signup-closed = Открыть магазин сейчас нельзя.
reseller-plans-title = 🏪 Откройте свой VPN-магазин. Выберите тариф:
reseller-plan-line =
    📦 { $name }
    Плата в месяц: { $fee }
    Кредит кошелька в подарок: { $credit }
    Клиентов: { $cap }
    Включено: { $features }
reseller-cap-none = без ограничений
reseller-feature = { $key ->
    [card_to_card] перевод с карты на карту
    [zarinpal] Zarinpal
    [telegram_stars] Telegram Stars
    [trial_subscription] пробный период
    [referral_program] реферальная программа
    [support_contact] контакт поддержки
    [promo_codes] промокоды
    [support_tickets] тикеты поддержки
    [autopay] автопродление
    [mini_app] мини-приложение
    [traffic_packs] дополнительный трафик
    [day_packs] дополнительные дни
    [subscription_devices] управление устройствами
    [broadcasts] рассылки
    [subscription_new_link] новая ссылка подписки
    [help_pages] страницы помощи
   *[other] { $key }
}
reseller-token-ask = Создайте бота в @BotFather (/newbot) и пришлите сюда его токен. Он выглядит так: 123456789:AA…
reseller-token-invalid = Это не токен бота. Скопируйте весь токен от @BotFather (123456789:AA…) и пришлите снова.
reseller-token-taken = Этот бот уже зарегистрирован как магазин. Создайте нового бота в @BotFather и пришлите его токен.
reseller-token-rejected = Telegram не принимает этот токен: возможно, он отозван или набран с ошибкой. Проверьте его в @BotFather и пришлите снова.
reseller-token-unreachable = Не удалось связаться с Telegram для проверки токена. Пришлите его ещё раз чуть позже.
reseller-plan-unavailable = Этот тариф больше недоступен.
reseller-signup-summary =
    🏪 Ваш магазин: { $bot }
    Цена тарифа (первый месяц): { $price }
    Ваш баланс: { $balance }
reseller-signup-pay-hint = Пополните баланс одним из способов ниже: когда платёж подтвердят, тариф будет оплачен и магазин запустится.
reseller-btn-pay-balance = ✅ Оплатить с баланса
reseller-btn-cancel = ✖️ Отмена
reseller-signup-cancelled = Заявка на магазин отменена. Ничего не списано.
reseller-signup-paid-approval = ✅ Оплачено. Магазин { $bot } ждёт одобрения операторов; мы напишем вам здесь.
reseller-signup-paid-start = ✅ Оплачено. Магазин { $bot } запускается: через минуту вы получите сообщение здесь.
reseller-signup-status = { $status ->
    [awaiting_approval] Магазин { $bot } оплачен и ждёт одобрения операторов.
    [approved] Магазин { $bot } одобрен и запускается.
    [started] Магазин { $bot } работает.
    [rejected] Заявка на магазин { $bot } отклонена, деньги возвращены.
    [failed] Магазин { $bot } не удалось создать, деньги возвращены.
   *[other] Заявка на магазин { $bot } закрыта.
}
reseller-notice-awaiting_approval = ✅ Оплата за { $bot } получена. Операторы скоро рассмотрят ваш магазин.
reseller-notice-started =
    🎉 Ваш магазин { $bot } работает!
    Откройте его и отправьте /admin, чтобы настроить тарифы, карты и настройки.
reseller-notice-rejected = Заявка на магазин { $bot } отклонена. { $price } возвращено на ваш баланс (теперь { $balance }).
reseller-notice-failed = Магазин { $bot } не удалось создать (бот зарегистрирован в другом месте или его токен изменился). { $price } возвращено на ваш баланс (теперь { $balance }).
reseller-btn-open-shop = 🏪 Открыть бота моего магазина
reseller-notice-wallet-credited = ✅ { $amount } зачислено в кошелёк магазина { $shop }.

reseller-topup-custom = ✏️ Другая сумма
reseller-topup-title = 👛 Пополнение кошелька { $shop }. Выберите сумму:
reseller-topup-summary =
    👛 Пополнение кошелька { $shop }: { $amount }
    Ваш баланс здесь: { $balance }
reseller-topup-pay-hint = Оплатите одним из способов ниже: когда платёж подтвердят, сумма поступит в кошелёк магазина.
reseller-topup-unavailable = Это пополнение недоступно. Откройте его снова с экрана кошелька вашего магазина.
reseller-topup-enter = Пришлите сумму (от { $min } до { $max }).
reseller-topup-amount-invalid = Эту сумму использовать нельзя. Пришлите целую сумму в пределах лимитов.
reseller-topup-paid = ✅ Оплачено: { $amount } зачисляется в кошелёк { $shop }.
reseller-btn-topup = 💳 Оплатить в боте оператора
reseller-topup-how = Оплатите оператору в его боте переводом на карту, через Zarinpal или Stars: сумма поступит в этот кошелёк сразу после подтверждения платежа.

reseller-fee-renewed =
    ✅ Тариф реселлера { $plan } продлён: { $fee } списано с кошелька.
    Баланс кошелька: { $balance }. Следующее продление: { $next }.
reseller-fee-unpaid =
    ⚠️ Пора оплатить тариф { $plan }: { $fee }, а в кошельке { $balance }.
    Пополните кошелёк до { $suspendAt }, иначе новые продажи остановятся. Подписки ваших клиентов продолжают работать.
reseller-fee-suspended =
    ⛔️ Продажи остановлены: плата за { $plan } ({ $fee }) не внесена, в кошельке { $balance }.
    Подписки клиентов работают; новые покупки и продления не принимаются, пока кошелёк не пополнен и плата не внесена.
reseller-shop-full = К сожалению, магазин сейчас не принимает новых клиентов.

reseller-op-btn = 🏪 Тарифы реселлеров
reseller-op-plans =
    🏪 Тарифы реселлеров: { $count }
    Самостоятельная регистрация («Открыть свой магазин»): { $signup ->
        [yes] включена
       *[no] выключена (включите в настройках главного магазина, группа «Реселлеры»)
    }
reseller-op-btn-new = ➕ Новый тариф
reseller-op-btn-waiting = 🕓 Ждут одобрения ({ $count })
reseller-op-plan-card =
    📦 { $name }
    Плата в месяц: { $fee }
    Кредит кошелька в подарок: { $credit }
    Лимит клиентов: { $cap }
    В продаже: { $active ->
        [yes] да
       *[no] нет
    }
reseller-op-btn-edit = { $field ->
    [name] ✏️ Название
    [fee] 💵 Плата
    [credit] 👛 Кредит
   *[cap] 👥 Лимит
}
reseller-op-btn-active = { $active ->
    [yes] ⏸ Снять с продажи
   *[no] ▶️ Вернуть в продажу
}
reseller-op-btn-plans = ⬅️ Тарифы реселлеров
reseller-op-features-hint = Функции, которые сохраняет магазин на этом тарифе (✅); остальные выключаются при запуске. Нажмите, чтобы изменить.
reseller-op-signup =
    #{ $id } · { $who }
    Бот: { $bot }
    Оплачено: { $price }
reseller-op-review-title = 🏪 Новый магазин оплачен и ждёт вашего одобрения:
reseller-op-btn-approve = ✅ Одобрить #{ $id }
reseller-op-btn-reject = ✖️ Отклонить #{ $id }
reseller-op-none-waiting = Нет магазинов, ждущих одобрения.
reseller-op-ask = { $field ->
    [name] Пришлите название тарифа (до 64 символов).
    [fee] Пришлите плату в месяц (целая сумма, 0 — бесплатно).
    [credit] Пришлите кредит кошелька на первый месяц (целая сумма, 0 — без него).
   *[cap] Пришлите максимум клиентов магазина (0 — без ограничений).
}
reseller-op-invalid = Это значение не подходит. { $field ->
    [name] Пришлите название от 1 до 64 символов.
   *[other] Пришлите целое число.
}
reseller-op-saved = ✅ Сохранено.
reseller-op-created = ✅ Тариф создан.
reseller-op-approved = ✅ Одобрено: магазин запускается.
reseller-op-rejected = Отклонено; деньги вернулись на баланс клиента.
reseller-op-already = Уже решено: { $status ->
    [approved] одобрено
    [started] запущено
    [rejected] отклонено
    [failed] не удалось
   *[other] закрыто
}.

adm-group-resellers = 🏪 Реселлеры
adm-label-reseller-signup-enabled = Клиенты могут открыть свой магазин (главный бот)
adm-label-reseller-approval-required = Оплаченные магазины ждут одобрения оператора
adm-label-reseller-grace-days = Дней продаж у магазина с неоплаченным тарифом
