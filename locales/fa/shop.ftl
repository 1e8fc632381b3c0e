## Money and units
money-irt = { $amount } تومان
money-usd = { $amount } دلار
money-rub = { $amount } روبل
traffic-gb = { $amount } گیگابایت
traffic-unlimited = نامحدود
devices-unlimited = نامحدود
back = ⬅️ بازگشت
balance-line = 💰 موجودی شما: { $balance }

## Plans and buying
plans-title = یک سرویس انتخاب کنید:
plans-none = در حال حاضر سرویسی برای فروش نیست. لطفاً بعداً سر بزنید.
plan-button = { $name } · { $price }
plan-details =
    📦 { $name }
    ⏳ مدت: { $days } روز
    📶 حجم: { $traffic }
    📱 تعداد دستگاه: { $devices }
    💵 قیمت: { $price }
plan-unavailable = این سرویس دیگر فروخته نمی‌شود.
buy-confirm = ✅ پرداخت { $price }
purchase-paid =
    ✅ مبلغ { $price } برای { $plan } پرداخت شد.
    اشتراک شما در حال فعال‌سازی است؛ لینک آن تا لحظاتی دیگر همین‌جا ارسال می‌شود.
purchase-in-progress = این خرید در حال انجام است.
purchase-insufficient =
    موجودی شما ({ $balance }) برای این سرویس کافی نیست: { $missing } کم دارید.
    همین مبلغ را شارژ کنید تا خرید خودکار تکمیل شود.
purchase-pay-missing = 💳 پرداخت مبلغ باقی‌مانده

## Trial
trial-started =
    🎁 اشتراک آزمایشی { $days } روزه شما در حال فعال‌سازی است.
    لینک اشتراک تا لحظاتی دیگر همین‌جا ارسال می‌شود.
trial-already-used = شما قبلاً از اشتراک آزمایشی استفاده کرده‌اید.
trial-has-subscription = شما اشتراک دارید، بنابراین اشتراک آزمایشی در دسترس نیست.

## My subscription
subscription-none = هنوز اشتراکی ندارید.
subscription-title = 📱 اشتراک شما
subscription-title-trial = 🎁 اشتراک آزمایشی شما
subscription-status = وضعیت: { $status }
subscription-status-pending = ⏳ در حال فعال‌سازی
subscription-status-active = ✅ فعال
subscription-status-expired = ⌛ منقضی شده
subscription-status-limited = 🚫 حجم تمام شده
subscription-status-disabled = ⛔ غیرفعال
subscription-expiry = تاریخ انقضا: { $date } ({ $days } روز مانده)
subscription-traffic = حجم مصرفی: { $used } از { $limit }
subscription-devices = دستگاه‌ها: { $limit } مجاز، { $online } متصل
subscription-link =
    🔗 لینک اشتراک:
    { $url }
subscription-activating = ⏳ یک پرداخت در حال اعمال روی این اشتراک است؛ تا لحظاتی دیگر به‌روز می‌شود.
subscription-stale = پنل همین حالا پاسخ نداد؛ ممکن است این ارقام کمی قدیمی باشند.
subscription-renew = 🔄 تمدید
subscription-ready = ✅ اشتراک شما آماده است. کد QR را اسکن کنید یا لینک را در برنامه VPN خود باز کنید.
subscription-renewed = ✅ اشتراک شما تمدید شد.
