## Expiry and traffic notices
lifecycle-subscription-only = اشتراک شما
lifecycle-expiry-warning =
    ⏳ { $name } در { $date } به پایان می‌رسد ({ $days } روز مانده).
    همین حالا آن را تمدید کنید تا اتصال شما قطع نشود.
lifecycle-expiry-warning-trial =
    ⏳ اشتراک آزمایشی شما در { $date } به پایان می‌رسد ({ $days } روز مانده).
    اگر از آن راضی بوده‌اید، یک اشتراک بخرید تا بی‌وقفه وصل بمانید.
lifecycle-expired =
    ⌛ { $name } در { $date } به پایان رسید و اتصال آن قطع شده است.
    آن را تمدید کنید تا دوباره وصل شوید.
lifecycle-expired-trial =
    ⌛ اشتراک آزمایشی شما در { $date } به پایان رسید.
    برای ادامهٔ استفاده، یک اشتراک بخرید.
lifecycle-come-back =
    👋 دلمان برایتان تنگ شده! { $days } روز از پایان { $name } می‌گذرد.
    هر وقت بخواهید، با تمدید آن دوباره وصل می‌شوید.
lifecycle-come-back-trial =
    👋 { $days } روز از پایان اشتراک آزمایشی شما می‌گذرد.
    اگر از آن راضی بودید، با خرید یک اشتراک دوباره وصل شوید.
lifecycle-traffic =
    📶 { $percent }٪ از حجم { $name } مصرف شده است ({ $used } از { $limit }).
    پیش از تمام شدن حجم، حجم اضافه بخرید یا اشتراک را تمدید کنید.
lifecycle-traffic-trial =
    📶 { $percent }٪ از حجم اشتراک آزمایشی شما مصرف شده است ({ $used } از { $limit }).
    برای ادامه بدون محدودیت، یک اشتراک بخرید.
lifecycle-button-renew = 🔄 تمدید
lifecycle-button-traffic = ➕ حجم اضافه یا تمدید

## Settings of the notices (admin)
adm-group-notices = ⏰ یادآوری به مشتریان
adm-label-renewal-warning-days = یادآوری پیش از انقضا (روز)
adm-label-comeback-days = دعوت به بازگشت پس از انقضا (روز، ۰ = خاموش)
adm-label-traffic-warning-percents = هشدار مصرف حجم (درصد)
lifecycle-autopay-short =
    🔁 تمدید خودکار { $name } انجام نشد: موجودی شما کافی نیست.
    پیش از { $date } موجودی را افزایش دهید تا اشتراک بدون وقفه تمدید شود.
