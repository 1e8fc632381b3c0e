## Ban and message: what the customer sees
mod-banned = ⛔️ Ваш доступ к этому боту ограничен.
mod-notice-blocked = ⛔️ Администраторы магазина ограничили ваш доступ к этому боту.
mod-notice-unblocked = ✅ Ограничение снято. Нажмите /start, чтобы продолжить.
mod-message-from-shop =
    📩 Сообщение от магазина:

    { $text }

## Ban and message: the admins
mod-customer-banned = ⛔️ Клиент заблокирован.
mod-btn-block = ⛔️ Заблокировать
mod-btn-unblock = ✅ Разблокировать
mod-btn-message = ✉️ Написать
mod-btn-block-confirm = ⛔️ Да, заблокировать
mod-btn-keep = ↩️ Отмена
mod-block-confirm =
    Заблокировать { $customer }?

    Клиент получит одно короткое сообщение, после чего бот не будет ему отвечать и не будет присылать уведомления. Его ожидающие чеки перевода на карту будут отклонены, неоплаченные заказы отменены.
mod-blocked-toast = Клиент заблокирован.
mod-blocked-done = ⛔️ Клиент заблокирован. Отклонено чеков: { $receipts } · отменено заказов: { $orders }
mod-already-blocked = Этот клиент уже заблокирован.
mod-unblocked-done = ✅ Клиент разблокирован и уведомлён.
mod-not-blocked = Этот клиент не заблокирован.
mod-message-ask = ✉️ Отправьте текст сообщения для { $customer }:
mod-message-bad = Сообщение должно содержать от 1 до { $max } символов. Отправьте снова или отмените.
mod-message-queued = ✉️ Сообщение поставлено в очередь на отправку.
mod-receipt-block-confirm =
    Заблокировать { $customer } (чек { $tracking })?
    Все его ожидающие чеки, включая этот, будут отклонены.
mod-receipt-blocked = ⛔️ { $customer } заблокирован. Отклонено чеков: { $receipts }
mod-block-kept = Клиент не заблокирован.
