## Referral: the "Invite friends" screen
referral-screen-title = 👥 Пригласить друзей
referral-screen-link =
    Ваша ссылка-приглашение:
    { $link }
referral-screen-terms-title = 🎁 Награды:
referral-terms-minimum = (от { $minimum })
referral-terms-inviter = • Когда друг впервые пополнит баланс{ $minimum }, вы получите { $amount }.
referral-terms-invited = • Друг тоже получит { $amount } за первое пополнение{ $minimum }.
referral-terms-commission = • Вы получаете { $percent }% с каждого платежа ваших друзей.
referral-screen-invited = 👤 Друзей пришло по вашей ссылке: { $count }
referral-screen-paying = 💳 Друзей оплатили: { $count }
referral-screen-earned = 💰 Ваши реферальные награды: { $amount }

## Referral: notices of a reward
referral-notice-invited =
    🎁 За первое пополнение на ваш баланс зачислен подарок { $amount }.
    Ваш баланс: { $balance }
referral-notice-inviter =
    🎉 Ваш друг { $friend } впервые пополнил баланс: вам начислено { $amount }.
    Ваш баланс: { $balance }
referral-notice-commission =
    💸 Вам начислена комиссия { $amount } с платежа вашего друга { $friend }.
    Ваш баланс: { $balance }

## Referral: the admin menu's settings
adm-group-referral = 👥 Пригласить друзей
adm-label-referral-min-topup = Минимальное первое пополнение для бонусов
adm-label-referral-first-topup-bonus = Подарок приглашённому за первое пополнение
adm-label-referral-inviter-bonus = Бонус пригласившему за первое пополнение друга
adm-label-referral-commission-percent = Комиссия пригласившего с каждого платежа друзей (процент)
