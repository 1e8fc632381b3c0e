## Payment gateways: Zarinpal and Telegram Stars

## Shared
gateway-unavailable = این روش پرداخت در حال حاضر در دسترس نیست. لطفاً روش دیگری را انتخاب کنید.
gateway-balance-now = 💰 موجودی فعلی شما: { $balance }
gateway-order-completing = 📦 خرید «{ $plan }» پرداخت شد و در حال فعال‌سازی است؛ لینک اشتراک تا لحظاتی دیگر همین‌جا ارسال می‌شود.
gateway-order-still-waiting = خرید شما هنوز در انتظار است: موجودی برای پرداخت قیمت آن کافی نیست.

## Zarinpal in the bot
zarinpal-preparing = در حال ساخت لینک پرداخت…
zarinpal-description = شارژ حساب به مبلغ { $amount } در { $shop }
zarinpal-pay-prompt =
    🏦 پرداخت آنلاین { $amount } از طریق زرین‌پال
    روی دکمهٔ زیر بزنید و پرداخت را در صفحهٔ بانک انجام دهید. پس از پرداخت، موجودی شما خودکار شارژ می‌شود و همین‌جا خبر می‌دهیم.
zarinpal-pay-button = 💳 پرداخت { $amount }
zarinpal-raised-to-minimum = حداقل مبلغ پرداخت در زرین‌پال { $min } است؛ مبلغ به همین اندازه افزایش یافت و باقی آن در موجودی شما می‌ماند.
zarinpal-amount-out-of-range = زرین‌پال فقط مبالغ بین { $min } و { $max } را می‌پذیرد. لطفاً مبلغ دیگری انتخاب کنید.
zarinpal-retry = 🔄 تلاش دوباره
zarinpal-paid-notice = ✅ پرداخت زرین‌پال شما به مبلغ { $amount } دریافت شد (کد پیگیری بانک: { $ref }).
zarinpal-failed-notice = ❌ پرداخت زرین‌پال شما به مبلغ { $amount } پذیرفته نشد.

## What a Zarinpal error means for the customer
zarinpal-problem-busy = درگاه پرداخت در حال حاضر پاسخ نمی‌دهد. لطفاً چند دقیقهٔ دیگر دوباره تلاش کنید.
zarinpal-problem-shop = پرداخت آنلاین این فروشگاه موقتاً در دسترس نیست. لطفاً از روش دیگری استفاده کنید یا با پشتیبانی تماس بگیرید.
zarinpal-problem-amount = این مبلغ از طریق زرین‌پال قابل پرداخت نیست (از ۱٬۰۰۰ تا ۱۰۰٬۰۰۰٬۰۰۰ تومان).
zarinpal-problem-unpaid = پرداخت تکمیل نشد. اگر مبلغی از کارت شما کسر شده باشد، حداکثر تا ۷۲ ساعت به کارت بازمی‌گردد.
zarinpal-problem-mismatch = این پرداخت با سفارش ما مطابقت نداشت و پذیرفته نشد. اگر مبلغی کسر شده باشد، حداکثر تا ۷۲ ساعت به کارت شما بازمی‌گردد.
zarinpal-problem-invalid = این پرداخت در درگاه پیدا نشد. لطفاً از داخل ربات دوباره پرداخت را شروع کنید.
zarinpal-problem-refund = بازگرداندن خودکار وجه ممکن نشد. لطفاً با پشتیبانی تماس بگیرید.

## The page the browser sees after the bank
zarinpal-page-back = بازگشت به ربات
zarinpal-page-title-paid = پرداخت موفق
zarinpal-page-paid = پرداخت شما به مبلغ { $amount } دریافت شد و به موجودی‌تان اضافه شد.
zarinpal-page-ref = کد پیگیری بانک: { $ref }
zarinpal-page-title-failed = پرداخت ناموفق
zarinpal-page-title-unpaid = پرداخت انجام نشد
zarinpal-page-title-pending = در حال بررسی پرداخت
zarinpal-page-pending = هنوز نتوانستیم پرداخت { $amount } را از بانک تأیید بگیریم. بررسی ادامه دارد و پس از تأیید، موجودی شما خودکار شارژ می‌شود و ربات به شما خبر می‌دهد.
zarinpal-page-later = نتیجهٔ پرداخت هنوز مشخص نیست. بررسی ادامه دارد و پس از تأیید بانک، موجودی شما خودکار شارژ می‌شود و ربات به شما خبر می‌دهد.
zarinpal-page-title-invalid = لینک پرداخت نامعتبر است
zarinpal-page-invalid = این لینک پرداخت معتبر نیست. لطفاً به ربات برگردید و پرداخت را از نو شروع کنید.

## Telegram Stars
stars-invoice-title = شارژ حساب
stars-invoice-label = شارژ { $amount }
stars-invoice-description = { $amount } به موجودی شما اضافه می‌شود در ازای { $stars } ⭐ (نرخ: { $rate } ⭐ برای هر { $per }، رو به بالا تا ستارهٔ کامل).
stars-too-large = این مبلغ بیش از سقف یک پرداخت با ستاره ({ $max } ⭐) است. لطفاً مبلغ کمتری انتخاب کنید.
stars-refused-unknown = این صورتحساب دیگر معتبر نیست. لطفاً صورتحساب جدیدی بگیرید.
stars-refused-already-paid = این صورتحساب قبلاً پرداخت شده است.
stars-refused-price-changed = قیمت تغییر کرده است. لطفاً صورتحساب جدیدی بگیرید.
stars-refused-order-unavailable = این خرید دیگر در انتظار پرداخت نیست.
stars-paid = ✅ { $stars } ⭐ دریافت شد و { $amount } به موجودی شما اضافه شد.
stars-refunded = پرداخت شما با هیچ صورتحسابی مطابقت نداشت، بنابراین { $stars } ⭐ به شما بازگردانده شد.
paysupport-contact =
    🧾 پشتیبانی پرداخت
    برای هر مشکلی در پرداخت (ستاره یا روش‌های دیگر) با تاریخ و مبلغ پرداخت به @{ $username } پیام دهید.
paysupport-no-contact =
    🧾 پشتیبانی پرداخت
    برای هر مشکلی در پرداخت (ستاره یا روش‌های دیگر)، تاریخ و مبلغ پرداخت را از بخش پشتیبانی در منوی اصلی برای ما بفرستید.
