## Top-up: amount and payment method
topup-title =
    💳 افزایش موجودی
    موجودی شما: { $balance }

    مبلغ را انتخاب کنید:
topup-custom = ✏️ مبلغ دلخواه
topup-enter-amount = مبلغ مورد نظر را از { $min } تا { $max } وارد کنید (فقط عدد، مثلاً { $example }):
topup-amount-invalid = این یک مبلغ معتبر نیست. لطفاً فقط عدد وارد کنید، مثلاً { $example }.
topup-amount-too-small = حداقل مبلغ شارژ { $min } است. لطفاً مبلغ بیشتری وارد کنید.
topup-amount-too-large = حداکثر مبلغ شارژ { $max } است. لطفاً مبلغ کمتری وارد کنید.
topup-amount-unavailable = این مبلغ دیگر ارائه نمی‌شود. لطفاً دوباره انتخاب کنید.
topup-choose-method =
    مبلغ قابل پرداخت: { $amount }
    روش پرداخت را انتخاب کنید:
topup-choose-method-order =
    برای تکمیل خرید «{ $plan }» مبلغ { $amount } کم است.
    روش پرداخت را انتخاب کنید:
topup-no-methods = در حال حاضر هیچ روش پرداختی در این فروشگاه فعال نیست.
topup-order-unavailable = این خرید دیگر قابل پرداخت نیست: قبلاً تکمیل یا لغو شده است.
topup-cancel = ✖️ انصراف
topup-cancelled = لغو شد. مبلغی کسر نشد.
pay-method-card = 💳 کارت به کارت
pay-method-zarinpal = 🏦 پرداخت آنلاین (زرین‌پال)
pay-method-stars = ⭐ استارز تلگرام

## Card-to-card: the customer
c2c-unavailable = پرداخت کارت به کارت در حال حاضر ممکن نیست. لطفاً روش دیگری را انتخاب کنید یا بعداً دوباره تلاش کنید.
c2c-instructions =
    💳 پرداخت کارت به کارت

    دقیقاً مبلغ { $amount } را به این کارت واریز کنید:

    { $card }
    👤 { $holder }
c2c-bank-line = 🏦 { $bank }
c2c-instructions-receipt =
    سپس رسید را همین‌جا بفرستید: عکس یا اسکرین‌شات رسید، فایل PDF آن، یا متن پیامک تأیید بانک.
    پرداخت توسط مدیران فروشگاه بررسی می‌شود و پس از تأیید به موجودی شما اضافه می‌شود.
c2c-receipt-expected = لطفاً رسید را به صورت عکس، فایل یا متن بفرستید، یا دکمه انصراف را بزنید.
c2c-receipt-received =
    ✅ رسید شما دریافت شد.
    کد پیگیری: { $tracking }
    مبلغ: { $amount }

    مدیران فروشگاه به‌زودی آن را بررسی می‌کنند و نتیجه همین‌جا به شما اعلام می‌شود.
c2c-customer-approved =
    ✅ پرداخت کارت به کارت شما با کد پیگیری { $tracking } به مبلغ { $amount } تأیید شد.
    موجودی شما: { $balance }
c2c-customer-approved-order =
    ✅ پرداخت کارت به کارت شما با کد پیگیری { $tracking } به مبلغ { $amount } تأیید شد.
    خرید «{ $plan }» در حال فعال‌سازی است؛ لینک اشتراک تا لحظاتی دیگر همین‌جا ارسال می‌شود.
c2c-customer-rejected = ❌ پرداخت کارت به کارت شما با کد پیگیری { $tracking } به مبلغ { $amount } تأیید نشد.
c2c-customer-reject-reason = دلیل: { $reason }
c2c-customer-rejected-help = اگر مبلغ را واریز کرده‌اید، لطفاً با کد پیگیری به پشتیبانی پیام دهید.
c2c-customer-expired =
    ⌛ رسید کارت به کارت شما با کد پیگیری { $tracking } به مبلغ { $amount } به موقع بررسی نشد و منقضی شد.
    اگر مبلغ را واریز کرده‌اید، لطفاً با کد پیگیری به پشتیبانی پیام دهید.

## Card-to-card: the shop's admins
c2c-admin-title = 🧾 رسید کارت به کارت { $tracking }
c2c-admin-customer = 👤 مشتری: { $customer } · شناسه تلگرام { $telegramId }
c2c-admin-amount = 💵 مبلغ: { $amount }
c2c-admin-card = 💳 کارت: { $card } · { $holder }
c2c-admin-card-unknown = 💳 کارت: (دیگر در فهرست نیست)
c2c-admin-purpose-topup = 🎯 بابت: افزایش موجودی
c2c-admin-purpose-order = 🎯 بابت: { $plan } (سفارش #{ $order })
c2c-admin-text =
    📝 متن رسید:
    { $text }
c2c-admin-reused-here = ⚠️ این تصویر رسید قبلاً همراه پرداخت { $tracking } در همین فروشگاه ارسال شده است.
c2c-admin-reused-elsewhere = ⚠️ این تصویر رسید قبلاً در فروشگاه دیگری استفاده شده است. با دقت بررسی کنید.
c2c-admin-status-pending = ⏳ در انتظار بررسی
c2c-admin-status-approved = ✅ تأیید شده توسط { $admin }
c2c-admin-status-rejected = ❌ رد شده توسط { $admin }
c2c-admin-status-reason = دلیل: { $reason }
c2c-admin-status-expired = ⌛ بدون بررسی منقضی شد
c2c-approve = ✅ تأیید
c2c-reject = ❌ رد
c2c-details = ℹ️ جزئیات
c2c-not-admin = فقط مدیران این فروشگاه می‌توانند رسیدها را بررسی کنند.
c2c-not-found = این رسید وجود ندارد.
c2c-approved-toast = تأیید شد: { $amount } به موجودی اضافه شد.
c2c-already-approved = این رسید قبلاً تأیید شده است.
c2c-already-rejected = این رسید قبلاً رد شده است.
c2c-already-expired = این رسید منقضی شده است.
c2c-reject-prompt = دلیل رد رسید { $tracking } چیست؟ دلیل را در پیام بعدی بفرستید (به مشتری نمایش داده می‌شود) یا دکمه «رد بدون دلیل» را بزنید.
c2c-reject-no-reason = ❌ رد بدون دلیل
c2c-reject-keep = ↩️ در انتظار بماند
c2c-reject-kept = رسید در انتظار بررسی باقی ماند.
c2c-rejected = رسید { $tracking } رد شد.
c2c-details-text =
    ℹ️ رسید { $tracking }
    زمان ارسال: { $date }
    مشتری #{ $customerId }: { $customer }
    شناسه تلگرام: { $telegramId } · زبان { $language }
    موجودی: { $balance }
    عضویت از: { $since }
    پرداخت‌های کارت به کارت تاکنون: { $approved } تأیید، { $rejected } رد، { $pending } در انتظار، { $expired } منقضی
    کارت: { $card }
