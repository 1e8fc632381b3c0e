## Top-up: amount and payment method
topup-title =
    💳 Пополнение баланса
    Ваш баланс: { $balance }

    Выберите сумму:
topup-custom = ✏️ Другая сумма
topup-enter-amount = Введите сумму пополнения от { $min } до { $max } (только цифры, например { $example }):
topup-amount-invalid = Это не похоже на сумму. Введите только цифры, например { $example }.
topup-amount-too-small = Минимальная сумма пополнения — { $min }. Введите сумму побольше.
topup-amount-too-large = Максимальная сумма пополнения — { $max }. Введите сумму поменьше.
topup-amount-unavailable = Эта сумма больше не предлагается. Выберите ещё раз.
topup-choose-method =
    Сумма к оплате: { $amount }
    Выберите способ оплаты:
topup-choose-method-order =
    Для покупки «{ $plan }» не хватает { $amount }.
    Выберите способ оплаты:
topup-no-methods = Сейчас в этом магазине нет доступных способов оплаты.
topup-order-unavailable = Эту покупку уже нельзя оплатить: она завершена или отменена.
topup-cancel = ✖️ Отмена
topup-cancelled = Отменено. Деньги не списаны.
pay-method-card = 💳 Перевод с карты на карту
pay-method-zarinpal = 🏦 Онлайн-оплата (Zarinpal)
pay-method-stars = ⭐ Telegram Stars

## Card-to-card: the customer
c2c-unavailable = Оплата переводом на карту сейчас недоступна. Выберите другой способ или попробуйте позже.
c2c-instructions =
    💳 Перевод на карту

    Переведите ровно { $amount } на эту карту:

    { $card }
    👤 { $holder }
c2c-bank-line = 🏦 { $bank }
c2c-instructions-receipt =
    Затем отправьте сюда чек: снимок экрана или фото, PDF-файл или текст подтверждения из банка.
    Платёж проверят администраторы магазина и зачислят после подтверждения.
c2c-receipt-expected = Пожалуйста, отправьте чек фотографией, файлом или текстом либо нажмите «Отмена».
c2c-receipt-received =
    ✅ Чек получен.
    Номер для отслеживания: { $tracking }
    Сумма: { $amount }

    Администраторы магазина скоро его проверят; результат придёт сюда.
c2c-customer-approved =
    ✅ Ваш перевод { $tracking } на сумму { $amount } подтверждён.
    Ваш баланс: { $balance }
c2c-customer-approved-order =
    ✅ Ваш перевод { $tracking } на сумму { $amount } подтверждён.
    Покупка «{ $plan }» активируется; ссылка на подписку придёт сюда через минуту.
c2c-customer-rejected = ❌ Ваш перевод { $tracking } на сумму { $amount } не подтверждён.
c2c-customer-reject-reason = Причина: { $reason }
c2c-customer-rejected-help = Если вы действительно оплатили, напишите в поддержку и укажите номер для отслеживания.
c2c-customer-expired =
    ⌛ Чек { $tracking } на сумму { $amount } не был проверен вовремя, срок его действия истёк.
    Если вы действительно оплатили, напишите в поддержку и укажите номер для отслеживания.

## Card-to-card: the shop's admins
c2c-admin-title = 🧾 Чек перевода { $tracking }
c2c-admin-customer = 👤 Клиент: { $customer } · Telegram id { $telegramId }
c2c-admin-amount = 💵 Сумма: { $amount }
c2c-admin-card = 💳 Карта: { $card } · { $holder }
c2c-admin-card-unknown = 💳 Карта: (удалена из списка)
c2c-admin-purpose-topup = 🎯 Назначение: пополнение баланса
c2c-admin-purpose-order = 🎯 Назначение: { $plan } (заказ #{ $order })
c2c-admin-text =
    📝 Текст чека:
    { $text }
c2c-admin-reused-here = ⚠️ Это изображение чека уже отправляли с платежом { $tracking } этого магазина.
c2c-admin-reused-elsewhere = ⚠️ Это изображение чека уже использовалось в другом магазине. Проверьте внимательно.
c2c-admin-status-pending = ⏳ Ожидает проверки
c2c-admin-status-approved = ✅ Подтвердил(а) { $admin }
c2c-admin-status-rejected = ❌ Отклонил(а) { $admin }
c2c-admin-status-reason = Причина: { $reason }
c2c-admin-status-expired = ⌛ Истёк без проверки
c2c-approve = ✅ Подтвердить
c2c-reject = ❌ Отклонить
c2c-details = ℹ️ Подробнее
c2c-not-admin = Проверять чеки могут только администраторы этого магазина.
c2c-not-found = Такого чека нет.
c2c-approved-toast = Подтверждено: зачислено { $amount }.
c2c-already-approved = Этот чек уже подтверждён.
c2c-already-rejected = Этот чек уже отклонён.
c2c-already-expired = Срок этого чека истёк.
c2c-reject-prompt = Почему чек { $tracking } отклонён? Отправьте причину следующим сообщением (её увидит клиент) или нажмите «Отклонить без причины».
c2c-reject-no-reason = ❌ Отклонить без причины
c2c-reject-keep = ↩️ Оставить на проверке
c2c-reject-kept = Чек остаётся на проверке.
c2c-rejected = Чек { $tracking } отклонён.
c2c-details-text =
    ℹ️ Чек { $tracking }
    Отправлен: { $date }
    Клиент #{ $customerId }: { $customer }
    Telegram id: { $telegramId } · язык { $language }
    Баланс: { $balance }
    Клиент с: { $since }
    Переводы на карту: { $approved } подтверждено, { $rejected } отклонено, { $pending } ожидают, { $expired } истекло
    Карта: { $card }
