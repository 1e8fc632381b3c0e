## Money and units
money-irt = { $amount } томан
money-usd = ${ $amount }
money-rub = { $amount } ₽
traffic-gb = { $amount } ГБ
traffic-unlimited = без ограничений
devices-unlimited = без ограничений
back = ⬅️ Назад
balance-line = 💰 Ваш баланс: { $balance }

## Plans and buying
plans-title = Выберите тариф:
plans-none = Сейчас нет тарифов в продаже. Загляните позже.
plan-button = { $name } · { $price }
plan-details =
    📦 { $name }
    ⏳ Срок: { $days } дн.
    📶 Трафик: { $traffic }
    📱 Устройств: { $devices }
    💵 Цена: { $price }
plan-unavailable = Этот тариф больше не продаётся.
buy-confirm = ✅ Оплатить { $price }
purchase-paid =
    ✅ Оплачено { $price } за «{ $plan }».
    Подписка активируется; ссылка придёт сюда через мгновение.
purchase-in-progress = Эта покупка уже обрабатывается.
purchase-insufficient =
    Вашего баланса ({ $balance }) не хватает на этот тариф: не хватает { $missing }.
    Пополните эту сумму, и покупка завершится сама.
purchase-pay-missing = 💳 Оплатить недостающее

## Trial
trial-started =
    🎁 Ваш пробный период на { $days } дн. активируется.
    Ссылка на подписку придёт сюда через мгновение.
trial-already-used = Вы уже использовали пробный период.
trial-has-subscription = У вас уже есть подписка, поэтому пробный период недоступен.

## My subscription
subscription-none = У вас пока нет подписки.
subscription-title = 📱 Ваша подписка
subscription-title-trial = 🎁 Ваша пробная подписка
subscription-status = Статус: { $status }
subscription-status-pending = ⏳ активируется
subscription-status-active = ✅ активна
subscription-status-expired = ⌛ истекла
subscription-status-limited = 🚫 трафик исчерпан
subscription-status-disabled = ⛔ отключена
subscription-expiry = Истекает: { $date } (осталось дней: { $days })
subscription-traffic = Трафик: { $used } из { $limit }
subscription-devices = Устройства: разрешено { $limit }, подключено { $online }
subscription-link =
    🔗 Ссылка на подписку:
    { $url }
subscription-activating = ⏳ К подписке применяется оплата; она обновится через мгновение.
subscription-stale = Панель сейчас не ответила; данные могут быть немного устаревшими.
subscription-renew = 🔄 Продлить
subscription-ready = ✅ Подписка готова. Отсканируйте QR-код или откройте ссылку в VPN-приложении.
subscription-renewed = ✅ Подписка продлена.

## Several subscriptions
subscriptions-title = 📱 Ваши подписки; выберите одну, чтобы увидеть подробности:
subscription-name = Подписка { $number }
subscription-list-item = { $name } · { $status } · { $days } дн.
subscription-title-numbered = 📱 Подписка { $number }
subscriptions-back = ⬅️ Мои подписки
subscription-unavailable = Эта подписка больше недоступна.
subscription-limit-reached = У вас { $limit } подписок — это максимум; продлите одну из них.
plans-title-renew = Выберите тариф для продления: { $name }
plans-title-activate = Выберите тариф, чтобы активировать: { $name }
buy-target-title = Для какой подписки эта покупка?
buy-target-renew = 🔄 Продлить { $name } ({ $status })
buy-target-activate = ✅ Активировать { $name } ({ $status })
buy-target-new = ➕ Купить новую подписку
subscription-activated = ✅ Ваша подписка активирована. Отсканируйте QR-код или откройте ссылку в VPN-приложении.
traffic-pack-added = ✅ К вашей подписке добавлено { $traffic } трафика.
day-pack-added = ✅ К вашей подписке добавлено дней: { $days }.
subscription-open = 📱 Подробнее о подписке

## Autopay
autopay-button-on = 🔁 Автопродление: вкл.
autopay-button-off = 🔁 Автопродление: выкл.
autopay-turned-on = Автопродление включено: за { $hours } ч. до окончания подписка продлевается тем же тарифом с баланса, если его хватает.
autopay-turned-off = Автопродление выключено: подписка продолжится, только если вы продлите её сами.
subscription-renewed-autopay = ✅ Ваша подписка автоматически продлена с баланса.

## What an order bought
order-label-traffic-pack = { $traffic } дополнительного трафика
order-label-day-pack = дополнительные дни: { $days }
order-label-trial = Пробная подписка
