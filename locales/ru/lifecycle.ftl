## Expiry and traffic notices
lifecycle-subscription-only = Ваша подписка
lifecycle-expiry-warning =
    ⏳ { $name } закончится через { $count ->
        [one] { $days } день
        [few] { $days } дня
       *[many] { $days } дней
    }, { $date }.
    Продлите её сейчас, чтобы соединение не прервалось.
lifecycle-expiry-warning-trial =
    ⏳ Ваш пробный период закончится через { $count ->
        [one] { $days } день
        [few] { $days } дня
       *[many] { $days } дней
    }, { $date }.
    Если понравилось, купите подписку, чтобы оставаться на связи без перерыва.
lifecycle-expired =
    ⌛ { $name }: срок закончился { $date }, подключение больше не работает.
    Продлите подписку, чтобы снова подключиться.
lifecycle-expired-trial =
    ⌛ Ваш пробный период закончился { $date }.
    Купите подписку, чтобы продолжить пользоваться сервисом.
lifecycle-come-back =
    👋 Мы скучаем! { $name } закончилась { $count ->
        [one] { $days } день
        [few] { $days } дня
       *[many] { $days } дней
    } назад.
    Продлите подписку в любой момент, и вы снова на связи.
lifecycle-come-back-trial =
    👋 Ваш пробный период закончился { $count ->
        [one] { $days } день
        [few] { $days } дня
       *[many] { $days } дней
    } назад.
    Если понравилось, купите подписку и подключитесь снова.
lifecycle-traffic =
    📶 { $name }: израсходовано { $percent }% трафика ({ $used } из { $limit }).
    Купите дополнительный трафик или продлите подписку, пока он не закончился.
lifecycle-traffic-trial =
    📶 Пробный период: израсходовано { $percent }% трафика ({ $used } из { $limit }).
    Купите подписку, чтобы продолжить без ограничений.
lifecycle-button-renew = 🔄 Продлить
lifecycle-button-traffic = ➕ Трафик или продление

## Settings of the notices (admin)
adm-group-notices = ⏰ Напоминания клиентам
adm-label-renewal-warning-days = Напоминания до окончания (дни)
adm-label-comeback-days = Приглашение вернуться после окончания (дни, 0 = выкл.)
adm-label-traffic-warning-percents = Предупреждения о трафике (% израсходовано)
lifecycle-autopay-short =
    🔁 Автопродление не смогло продлить { $name }: на балансе недостаточно средств.
    Пополните баланс до { $date }, и подписка продлится без перерыва.
