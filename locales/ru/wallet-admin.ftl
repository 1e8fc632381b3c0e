## Меню администратора: кошелёк магазина у оператора

wallet-admin-btn = 👛 Кошелёк
wallet-admin-title = 👛 Кошелёк магазина { $shop } у оператора
wallet-admin-balance =
    Баланс: { $balance }
    Цена за ГБ: { $price }
wallet-admin-month =
    📅 В этом месяце (с { $since }):
    Продажи: { $sales } заказов, { $sold } · потреблено: { $consumed }
    Списано с кошелька: { $spent } · пополнено: { $toppedUp }
wallet-admin-totals = С начала работы: продано { $sold } · потреблено { $consumed }
wallet-admin-warning-at = 🔔 Предупреждение о низком балансе: когда баланс опустится ниже { $threshold }
wallet-admin-warning-off = 🔕 Предупреждение о низком балансе выключено.
wallet-admin-low-now = ⚠️ Баланс кошелька ниже порога предупреждения; пополните его, пока продажи не остановились.
wallet-admin-empty-now = ⛔ Кошелёк пуст: новые продажи отклоняются до пополнения.
wallet-admin-btn-history = 🧾 История
wallet-admin-btn-topup = 💳 Пополнить
wallet-admin-btn-warning = 🔔 Порог предупреждения
wallet-admin-btn-newest = ⏮ Последние
wallet-admin-btn-older = Раньше ▶️
wallet-admin-history-title = 🧾 История кошелька
wallet-admin-history-empty = Записей в кошельке пока нет.
wallet-admin-line =
    { $date } · { $kind ->
        [topup] 💰 Пополнение
        [sale] 🛒 Продажа
        [refund] ↩️ Возврат
        [adjustment] ✏️ Исправление оператора
        [consumption] 📶 Суточное потребление
       *[other] Прочее
    } { $amount }
    Баланс после: { $balance } { $detail }
wallet-admin-detail = { $kind ->
    [sale] (заказ #{ $order }, { $traffic })
    [refund] (заказ #{ $order }, { $traffic })
    [consumption] ({ $traffic })
   *[other] {""}
}
wallet-admin-topup-title = 💳 Пополнение кошелька
wallet-admin-topup-contact =
    Кошелёк пополняет оператор. Напишите { $contact }, укажите номер магазина (#{ $shop }) и сумму; после оплаты баланс появится здесь.
wallet-admin-topup-no-contact =
    Кошелёк пополняет оператор. Свяжитесь с оператором, который подключил вам этого бота, укажите номер магазина (#{ $shop }) и сумму.
wallet-admin-btn-support = 💬 Написать в поддержку оператора
wallet-admin-btn-master = 🛰 Бот оператора
wallet-admin-warning-ask =
    Ниже какого баланса предупреждать вас? (сейчас: { $current })
    Отправьте целую сумму; 0 — без предупреждения.
wallet-admin-warning-none = без предупреждения
wallet-admin-warning-invalid = Отправьте целую сумму без дробной части (например, 500000); 0 выключает предупреждение.
wallet-admin-warning-saved = ✅ Вы будете получать одно предупреждение каждый раз, когда баланс опустится ниже { $threshold }.
wallet-admin-warning-cleared = ✅ Предупреждение о низком балансе выключено.
wallet-admin-low-alert =
    ⚠️ Баланс кошелька магазина — { $balance }, ниже вашего порога ({ $threshold }).
    Пополните его, пока продажи не остановились.
# подпись этой настройки в разделе настроек
adm-label-wallet-low-balance-warning = Предупреждение о низком балансе кошелька
