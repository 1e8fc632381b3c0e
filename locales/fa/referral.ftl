## Referral: the "Invite friends" screen
referral-screen-title = 👥 دعوت از دوستان
referral-screen-link =
    لینک دعوت شما:
    { $link }
referral-screen-terms-title = 🎁 جایزه‌های دعوت:
referral-terms-minimum = (با پرداخت دست‌کم { $minimum })
referral-terms-inviter = • با اولین افزایش موجودی هر دوست{ $minimum }، { $amount } به موجودی شما افزوده می‌شود.
referral-terms-invited = • دوست شما هم با اولین افزایش موجودی{ $minimum }، { $amount } هدیه می‌گیرد.
referral-terms-commission = • از هر پرداخت دوستانتان، { $percent } درصد پورسانت به موجودی شما افزوده می‌شود.
referral-screen-invited = 👤 دوستانی که با لینک شما آمده‌اند: { $count }
referral-screen-paying = 💳 دوستانی که پرداخت کرده‌اند: { $count }
referral-screen-earned = 💰 جایزه‌های دعوت شما تا امروز: { $amount }

## Referral: notices of a reward
referral-notice-invited =
    🎁 به خاطر اولین افزایش موجودی‌تان، { $amount } هدیه به موجودی شما افزوده شد.
    موجودی فعلی: { $balance }
referral-notice-inviter =
    🎉 دوست شما { $friend } اولین افزایش موجودی خود را انجام داد و { $amount } جایزه به موجودی شما افزوده شد.
    موجودی فعلی: { $balance }
referral-notice-commission =
    💸 { $amount } پورسانت از پرداخت دوستتان { $friend } به موجودی شما افزوده شد.
    موجودی فعلی: { $balance }

## Referral: the admin menu's settings
adm-group-referral = 👥 دعوت از دوستان
adm-label-referral-min-topup = حداقل مبلغ اولین افزایش موجودی برای جایزه‌ها
adm-label-referral-first-topup-bonus = هدیهٔ دوست دعوت‌شده برای اولین افزایش موجودی
adm-label-referral-inviter-bonus = جایزهٔ دعوت‌کننده برای اولین افزایش موجودی دوستش
adm-label-referral-commission-percent = درصد پورسانت دعوت‌کننده از هر پرداخت دوستانش
