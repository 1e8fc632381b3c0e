## A subscription's devices and a new link (src/bot/features/shop/devices.ts, new-link.ts)

# the card's buttons
devices-button = 📱 Устройства
link-button = 🔗 Новая ссылка

# the device list
devices-title = 📱 Устройства: { $name } — подключено { $count }, разрешено { $limit }
devices-none = С этой подпиской ещё не подключалось ни одно устройство.
devices-hint = Удаление устройства освобождает его место. Приложение, у которого осталась ссылка, снова займёт место при следующем обновлении; чтобы закрыть устройству доступ навсегда, получите ещё и новую ссылку.
devices-line = { $number }. { $device } · добавлено { $date }
devices-line-undated = { $number }. { $device }
devices-more = …и ещё { $count }.
device-unknown = Неизвестное устройство
device-platform-android = Android
device-platform-ios = iOS
device-platform-windows = Windows
device-platform-macos = macOS
device-platform-linux = Linux
devices-remove = ❌ { $number }. { $device }
devices-remove-all = 🗑 Удалить все устройства
devices-remove-all-confirm = Удалить все устройства подписки «{ $name }» ({ $count })? Каждое подключится снова, только когда заново получит подписку.
devices-remove-all-yes = ✅ Да, удалить все
devices-back = ⬅️ К устройствам
devices-removed = ✅ Устройство удалено.
devices-already-removed = Это устройство уже удалено.
devices-all-removed = ✅ Все устройства удалены.

# a new link
link-confirm =
    🔗 Новая ссылка для подписки «{ $name }»

    Текущая ссылка сразу перестанет работать: все приложения, которые её используют, отключатся, пока вы не импортируете новую. Дни, трафик и устройства останутся как есть.

    Получить новую ссылку?
link-confirm-yes = ✅ Да, новая ссылка
link-cancel = ❌ Отмена
link-cancelled = Ваша ссылка не изменилась.
link-renewed = ✅ Вот ваша новая ссылка. Импортируйте её в приложения заново; старая больше не работает.
link-current = Это ваша текущая ссылка; она уже была заменена.

# what stops a request
devices-panel-unavailable = Сервер сейчас не отвечает. Пожалуйста, попробуйте через несколько минут.
devices-panel-lost = Эта подписка сейчас не найдена на сервере. Пожалуйста, обратитесь в поддержку.
devices-not-ready = Эта подписка ещё активируется. Пожалуйста, попробуйте чуть позже.
