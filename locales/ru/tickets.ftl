## Обращения в поддержку (меню поддержки, сообщения обращений, сторона администраторов и меню администратора)

## клиенты
ticket-intro =
    🎫 Обращения в поддержку
    Напишите нам здесь, и мы ответим в этом чате. Прежние обращения — в разделе «Мои обращения».
ticket-btn-new = ✉️ Новое обращение
ticket-btn-list = 📋 Мои обращения
ticket-btn-reply = ✍️ Ответить
ticket-btn-close = 🔒 Закрыть обращение
ticket-btn-reopen = 🔓 Открыть снова
ticket-btn-cancel = ✖️ Отмена
ticket-btn-open = { $icon } #{ $id } · { $subject }
ticket-unavailable = Обращения в поддержку сейчас недоступны.
ticket-ask-new = Напишите сообщение: текст, фото или файл. Его первые слова станут темой обращения.
ticket-ask-reply = Напишите ответ по обращению #{ $id }: текст, фото или файл.
ticket-opened = ✅ Обращение #{ $id } создано. Мы ответим здесь, в этом чате.
ticket-sent = ✅ Ваше сообщение добавлено к обращению #{ $id }.
ticket-too-many-open = У вас уже { $limit } открытых обращений. Пожалуйста, дождитесь ответа или закройте ненужное.
ticket-too-fast = Вы отправляете сообщения слишком часто. Пожалуйста, подождите минуту и попробуйте снова.
ticket-not-found = Обращение не найдено.
ticket-closed-cannot-write = Обращение #{ $id } закрыто. Откройте его снова, чтобы написать.
ticket-content-expected = Пожалуйста, отправьте текст, фото или файл.
ticket-cancelled = Отменено.
ticket-list-title = 📋 Ваши обращения:
ticket-list-empty = У вас пока нет обращений.
ticket-line = #{ $id } · { $subject } · { $status } · { $date }
ticket-status = { $status ->
    [open] ждёт ответа поддержки
    [answered] есть ответ
   *[closed] закрыто
}
ticket-no-subject = (файл)
ticket-card =
    🎫 Обращение #{ $id }
    Тема: { $subject }
    Статус: { $status }
    Создано: { $date }
ticket-history-title = Последние сообщения:
ticket-history-line = { $who ->
    [customer] 👤 Вы
   *[admin] 🛟 Поддержка
} · { $date }: { $text }
ticket-history-event = { $event ->
    [closed] 🔒 Закрыто
   *[reopened] 🔓 Открыто снова
} { $who ->
    [customer] вами
   *[admin] поддержкой
} · { $date }
ticket-file = { $kind ->
    [photo] 🖼 фото
   *[document] 📎 файл
}
ticket-answer =
    💬 Поддержка ответила по обращению #{ $id } ({ $subject }):

    { $text }
ticket-answer-hint = Чтобы ответить, нажмите «Ответить» или ответьте на это сообщение.
ticket-closed-by-support = 🔒 Поддержка закрыла обращение #{ $id } ({ $subject }). Если помощь ещё нужна, его можно открыть снова.
ticket-reopened-by-support = 🔓 Поддержка снова открыла обращение #{ $id } ({ $subject }).
ticket-closed-toast = Обращение #{ $id } закрыто.
ticket-reopened-toast = Обращение #{ $id } снова открыто.
ticket-already-closed = Обращение #{ $id } уже закрыто.
ticket-already-open = Обращение #{ $id } уже открыто.

## администраторы магазина (чат администраторов или личные чаты)
ticket-adm-new =
    🎫 Новое обращение #{ $id }
    От: { $customer }
ticket-adm-reply =
    💬 Обращение #{ $id } · клиент написал
    От: { $customer }
    Тема: { $subject }
ticket-adm-hint = ↩️ Ответьте на это сообщение, чтобы ответить клиенту.
ticket-adm-closed-by-customer = 🔒 { $customer } закрыл(а) обращение #{ $id } ({ $subject }).
ticket-adm-reopened-by-customer = 🔓 { $customer } снова открыл(а) обращение #{ $id } ({ $subject }).
ticket-adm-sent = ✅ Отправлено клиенту (обращение #{ $id }).
ticket-adm-closed-cannot-answer = Обращение #{ $id } закрыто. Откройте его снова, чтобы ответить.
ticket-adm-admins-only = Это могут только администраторы магазина.
ticket-adm-customer = { $name } · клиент №{ $id }
ticket-adm-customer-username = { $name } (@{ $username }) · клиент №{ $id }

## меню администратора
adm-btn-tickets = { $count ->
    [0] 🎫 Обращения
   *[other] 🎫 Обращения ({ $count })
}
adm-tickets-title =
    🎫 Открытых обращений: { $count }
    Ждут ответа: { $waiting }

    Отвечайте из карточки обращения или ответом на его сообщение в чате администраторов.
adm-tickets-empty = 🎫 Открытых обращений нет.
adm-ticket-button = { $icon } #{ $id } · { $customer } · { $subject }
adm-ticket-card =
    🎫 Обращение #{ $id }
    Клиент: { $customer }
    Тема: { $subject }
    Статус: { $status }
    Создано: { $date }
adm-ticket-history-line = { $who ->
    [customer] 👤 Клиент
   *[admin] 🛟 Администратор
} · { $date }: { $text }
adm-ticket-history-event = { $event ->
    [closed] 🔒 Закрыто
   *[reopened] 🔓 Открыто снова
} { $who ->
    [customer] клиентом
   *[admin] администратором
} · { $date }
adm-ticket-status = { $status ->
    [open] ждёт ответа
    [answered] есть ответ, ждёт клиента
   *[closed] закрыто
}
adm-ticket-btn-answer = ✍️ Ответить
adm-ticket-ask-answer = Напишите ответ по обращению #{ $id }. Клиент получит его как есть.
adm-ticket-not-found = Обращение не найдено.
adm-ticket-sent = ✅ Ответ отправлен клиенту.

## настройки (названия в настройках меню администратора)
adm-label-support-mode = Что предлагает поддержка (контакт, обращения или оба)
adm-label-ticket-max-open = Открытых обращений на клиента
adm-label-ticket-messages-per-minute = Сообщений в обращениях на клиента в минуту
adm-label-ticket-topic-id = Тема для обращений в чате администраторов
