## Payment gateways: Zarinpal and Telegram Stars

## Shared
gateway-unavailable = Этот способ оплаты сейчас недоступен. Пожалуйста, выберите другой.
gateway-balance-now = 💰 Ваш баланс: { $balance }
gateway-order-completing = 📦 Покупка «{ $plan }» оплачена и активируется; ссылка на подписку придёт сюда через минуту.
gateway-order-still-waiting = Покупка всё ещё ждёт оплаты: на балансе пока не хватает средств.

## Zarinpal in the bot
zarinpal-preparing = Готовим ссылку на оплату…
zarinpal-description = Пополнение на { $amount } в { $shop }
zarinpal-pay-prompt =
    🏦 Онлайн-оплата { $amount } через Zarinpal
    Нажмите кнопку ниже и оплатите на странице банка. После оплаты баланс пополнится автоматически, и мы сообщим об этом здесь.
zarinpal-pay-button = 💳 Оплатить { $amount }
zarinpal-raised-to-minimum = Минимальный платёж в Zarinpal — { $min }; сумма увеличена до него, остаток останется на вашем балансе.
zarinpal-amount-out-of-range = Zarinpal принимает суммы от { $min } до { $max }. Пожалуйста, выберите другую сумму.
zarinpal-retry = 🔄 Попробовать снова
zarinpal-paid-notice = ✅ Ваш платёж через Zarinpal на { $amount } получен (номер операции в банке: { $ref }).
zarinpal-failed-notice = ❌ Ваш платёж через Zarinpal на { $amount } не принят.

## What a Zarinpal error means for the customer
zarinpal-problem-busy = Платёжный шлюз сейчас не отвечает. Пожалуйста, попробуйте через несколько минут.
zarinpal-problem-shop = Онлайн-оплата в этом магазине временно недоступна. Воспользуйтесь другим способом или напишите в поддержку.
zarinpal-problem-amount = Эту сумму нельзя оплатить через Zarinpal (от 1 000 до 100 000 000 томанов).
zarinpal-problem-unpaid = Платёж не завершён. Если деньги списались с карты, банк вернёт их в течение 72 часов.
zarinpal-problem-mismatch = Платёж не совпал с нашим заказом и не принят. Если деньги списались, банк вернёт их на карту в течение 72 часов.
zarinpal-problem-invalid = Шлюз не знает этот платёж. Пожалуйста, начните оплату заново из бота.
zarinpal-problem-refund = Не удалось автоматически вернуть деньги. Пожалуйста, напишите в поддержку.

## The page the browser sees after the bank
zarinpal-page-back = Вернуться в бот
zarinpal-page-title-paid = Оплата прошла успешно
zarinpal-page-paid = Ваш платёж на { $amount } получен и зачислен на баланс.
zarinpal-page-ref = Номер операции в банке: { $ref }
zarinpal-page-title-failed = Оплата не прошла
zarinpal-page-title-unpaid = Оплата не завершена
zarinpal-page-title-pending = Проверяем платёж
zarinpal-page-pending = Банк ещё не подтвердил ваш платёж на { $amount }. Мы продолжаем проверку; после подтверждения баланс пополнится автоматически, и бот сообщит об этом.
zarinpal-page-later = Результат платежа пока неизвестен. Мы продолжаем проверку; после подтверждения банком баланс пополнится автоматически, и бот сообщит об этом.
zarinpal-page-title-invalid = Недействительная ссылка на оплату
zarinpal-page-invalid = Эта ссылка на оплату недействительна. Вернитесь в бот и начните оплату заново.

## Telegram Stars
stars-invoice-title = Пополнение баланса
stars-invoice-label = Пополнение на { $amount }
stars-invoice-description = { $amount } на баланс за { $stars } ⭐ (курс: { $rate } ⭐ за { $per }, с округлением вверх до целых звёзд).
stars-too-large = Эта сумма больше, чем вмещает один платёж звёздами ({ $max } ⭐). Пожалуйста, выберите сумму меньше.
stars-refused-unknown = Этот счёт больше недействителен. Пожалуйста, запросите новый.
stars-refused-already-paid = Этот счёт уже оплачен.
stars-refused-price-changed = Цена изменилась. Пожалуйста, запросите новый счёт.
stars-refused-order-unavailable = Эта покупка больше не ждёт оплаты.
stars-paid = ✅ Получено { $stars } ⭐: { $amount } зачислено на баланс.
stars-refunded = Ваш платёж не совпал ни с одним счётом, поэтому { $stars } ⭐ возвращены вам.
paysupport-contact =
    🧾 Поддержка по платежам
    По любому вопросу об оплате (звёздами или другим способом) напишите @{ $username }, указав дату и сумму платежа.
paysupport-no-contact =
    🧾 Поддержка по платежам
    По любому вопросу об оплате (звёздами или другим способом) пришлите нам дату и сумму платежа через раздел «Поддержка» в главном меню.
