## Errors
error-apology = Извините, что-то пошло не так. Пожалуйста, попробуйте ещё раз чуть позже.
feature-disabled = Эта функция недоступна в этом магазине.

## Language
choose-language = Пожалуйста, выберите язык:
language-changed = Выбран русский язык.

## Rules
rules-default-text =
    Пользуясь сервисом, вы соглашаетесь:
    • использовать его законно и не перепродавать доступ без разрешения;
    • не передавать свою ссылку подписки другим;
    • что возвраты выполняются по правилам магазина.
rules-prompt = Пожалуйста, прочитайте правила и примите их, чтобы продолжить:
rules-accept = ✅ Принимаю
rules-accepted = Спасибо. Правила приняты.

## Required channel
channel-required = Чтобы пользоваться ботом, сначала подпишитесь на наш канал, затем нажмите «Я подписался».
channel-join = 📢 Подписаться на канал
channel-check = ✅ Я подписался
channel-not-joined = Вы ещё не подписались на канал.

## Main menu
welcome = Добро пожаловать, { $name }!
welcome-back = С возвращением, { $name }!
menu-title = Главное меню: что вы хотите сделать?
menu-buy = 🛒 Купить подписку
menu-subscription = 📱 Моя подписка
menu-trial = 🎁 Пробный период
menu-topup = 💳 Пополнить баланс
menu-balance = 💰 Баланс: { $balance }
menu-referral = 👥 Пригласить друзей
menu-support = 🆘 Поддержка
menu-language = 🌐 Язык
menu-mini-app = 📲 Открыть приложение
back-to-menu = ⬅️ Главное меню

## Support
support-contact = Если нужна помощь, напишите @{ $username }.
support-no-contact = Поддержка сейчас недоступна через бота.

## Referral
referral-info =
    Приглашайте друзей по этой ссылке:
    { $link }

    Друзей, пришедших по вашей ссылке: { $count }
