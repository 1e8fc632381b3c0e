## Рассылки: меню администратора магазина, сообщение о ходе и отчёт, рассылка операторов из главного бота

adm-btn-broadcasts = 📣 Рассылка
broadcast-off = Рассылки в этом магазине отключены.
broadcast-home = 📣 Последние рассылки:
broadcast-home-empty = 📣 Рассылок ещё не было.
broadcast-line = { $status ->
    [sending] ⏳
    [done] ✅
   *[cancelled] ⛔
} №{ $id } · { $segment } · получателей: { $total }
broadcast-btn-new = ✍️ Новая рассылка
broadcast-segment = { $segment ->
    [all] 👥 Все
    [active] ✅ С активной подпиской
    [expired] ⌛ Подписка истекла
    [never_bought] 🆕 Ни разу не покупали
    [trial_only] 🎁 Только пробный период
    [admins] 🛠 Администраторы
   *[language] 🌐 По языку
}
broadcast-language = { $language ->
    [fa] فارسی
    [en] English
   *[ru] Русский
}
broadcast-segment-language = 🌐 Язык: { broadcast-language }
broadcast-ask-message =
    ✍️ Отправьте сообщение для рассылки: текст или фото с подписью.
    Оно уйдёт ровно в таком виде, без форматирования.
broadcast-bad-text = Текст не может быть пустым и должен быть не длиннее { $max } символов. Отправьте его ещё раз.
broadcast-bad-caption = У фото должна быть подпись не длиннее { $max } символов. Отправьте фото ещё раз с подписью.
broadcast-ask-button-choice = Добавить под сообщением кнопку со ссылкой?
broadcast-btn-add-button = 🔗 Добавить кнопку
broadcast-btn-no-button = Без кнопки
broadcast-ask-button =
    Отправьте кнопку двумя строками:
    в первой её текст (не длиннее 64 символов),
    во второй ссылку (веб-адрес, начинающийся с https://, или ссылку tg://).
broadcast-bad-button = Не подходит: в первой строке текст кнопки (не длиннее 64 символов), во второй ссылка, начинающаяся с https:// или tg://.
broadcast-ask-segment = 👥 Кому отправить?
broadcast-ask-language = 🌐 Клиентам с каким языком?
broadcast-review =
    📣 Получателей: { $count } ({ $segment }).
    Заблокированные магазином клиенты и те, кто заблокировал бота, не получат её.
    Сначала посмотрите, как она выглядит, затем отправьте.
broadcast-review-after-preview =
    👆 Так её увидят клиенты.
    📣 Получателей: { $count } ({ $segment }).
broadcast-nobody = В этой группе никого нет ({ $segment }). Выберите других получателей.
broadcast-btn-preview = 👁 Предпросмотр
broadcast-btn-send = ✅ Отправить { $count }
broadcast-btn-change-segment = 👥 Другие получатели
broadcast-draft-gone = Эта рассылка больше не составляется.
broadcast-started = Рассылка началась.
broadcast-progress =
    📣 Идёт рассылка… отправлено { $sent } из { $total }
    Заблокировали бота: { $blocked }
    Не удалось: { $failed }
    Осталось: { $left }
broadcast-btn-cancel = ⛔ Остановить рассылку
broadcast-cancelled-toast = Рассылка остановлена: больше никто её не получит.
broadcast-already-finished = Эта рассылка уже завершена.
broadcast-report-done =
    ✅ Рассылка завершена.
    Отправлено: { $sent } из { $total }
    Заблокировали бота: { $blocked }
    Не удалось: { $failed }
broadcast-report-cancelled =
    ⛔ Рассылка остановлена.
    Отправлено: { $sent } из { $total }
    Заблокировали бота: { $blocked }
    Не удалось: { $failed }
broadcast-report-unknown = Результат неизвестен (процесс остановился во время отправки; повторно не отправляется): { $unknown }
broadcast-report-not-sent = Не отправлено (остановлено или клиент заблокирован): { $cancelled }

## Рассылка операторов (главный бот)
master-btn-broadcast = 📣 Написать администраторам магазинов
master-broadcast-ask =
    📣 Отправьте сообщение для администраторов всех активных магазинов: текст или фото с подписью.
    Бот каждого магазина доставит его своим администраторам, которые его запускали.
master-broadcast-review-above = 📣 Сообщение выше, в точности как показано, получат { $admins } администраторов в { $shops } магазинах.
master-broadcast-btn-send = ✅ Отправить
master-broadcast-sent = 📣 В очереди: { $admins } администраторов в { $shops } магазинах.
master-broadcast-nobody = Ни в одном активном магазине нет администратора, запускавшего его бота.
master-broadcast-gone = Это сообщение больше не составляется.

## Подписи настроек (меню настроек ищет их по имени настройки)
adm-group-broadcasts = 📣 Рассылки
adm-label-broadcast-rate-per-second = Сообщений рассылки в секунду
