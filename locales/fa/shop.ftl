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

## Several subscriptions
subscriptions-title = 📱 اشتراک‌های شما؛ یکی را برای دیدن جزئیات انتخاب کنید:
subscription-name = اشتراک { $number }
subscription-list-item = { $name } · { $status } · { $days } روز
subscription-title-numbered = 📱 اشتراک { $number }
subscriptions-back = ⬅️ اشتراک‌های من
subscription-unavailable = این اشتراک دیگر در دسترس نیست.
subscription-limit-reached = شما { $limit } اشتراک دارید که بیشترین تعداد مجاز است؛ یکی از آن‌ها را تمدید کنید.
plans-title-renew = یک سرویس برای تمدید { $name } انتخاب کنید:
plans-title-activate = یک سرویس برای فعال‌سازی { $name } انتخاب کنید:
buy-target-title = این خرید برای کدام اشتراک است؟
buy-target-renew = 🔄 تمدید { $name } ({ $status })
buy-target-activate = ✅ فعال‌سازی { $name } ({ $status })
buy-target-new = ➕ خرید اشتراک جدید
subscription-activated = ✅ اشتراک شما فعال شد. کد QR را اسکن کنید یا لینک را در برنامه VPN خود باز کنید.
traffic-pack-added = ✅ { $traffic } حجم اضافه به اشتراک شما افزوده شد.
day-pack-added = ✅ { $days } روز به اشتراک شما افزوده شد.
subscription-open = 📱 جزئیات اشتراک

## Autopay
autopay-button-on = 🔁 تمدید خودکار: روشن
autopay-button-off = 🔁 تمدید خودکار: خاموش
autopay-turned-on = تمدید خودکار روشن شد: { $hours } ساعت پیش از انقضا، اگر موجودی کافی باشد، همین اشتراک با همان سرویس از موجودی تمدید می‌شود.
autopay-turned-off = تمدید خودکار خاموش شد؛ این اشتراک فقط با تمدید دستی ادامه می‌یابد.
subscription-renewed-autopay = ✅ اشتراک شما به‌طور خودکار از موجودی تمدید شد.

## What an order bought
order-label-traffic-pack = { $traffic } حجم اضافه
order-label-day-pack = { $days } روز اضافه
order-label-trial = اشتراک آزمایشی
