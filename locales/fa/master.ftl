## ربات مادر: پنل اپراتورها

master-health = { $health ->
    [healthy] ✅ سالم
    [unauthorized] ⛔ توکن باطل شده
    [failing] ⚠️ دچار خطا
   *[other] ❔ هنوز بررسی نشده
}
master-active = { $active ->
    [yes] 🟢 فعال
   *[other] ⏸ تعلیق‌شده
}
master-is-master = (ربات مادر)

master-currency = { $currency ->
    [IRT] تومان
    [USD] دلار
    [RUB] روبل
   *[other] { $currency }
}

master-operators-only = این پنل فقط برای اپراتورهای این ناوگان است.
master-home =
    🛰 پنل مدیریت ناوگان

    ربات فروشگاه تازه‌ای اضافه کنید، فروشگاهی را باز کنید تا فعال یا تعلیقش کنید، امکاناتش را روشن و خاموش کنید، قیمت عمده‌اش را تعیین کنید یا کیف پولش را شارژ کنید، یا آمار ناوگان را ببینید.
master-cancelled = لغو شد.

master-btn-add = ➕ افزودن فروشگاه
master-btn-tenants = 📋 فروشگاه‌ها
master-btn-stats = 📊 آمار ناوگان
master-btn-home = 🛰 پنل
master-btn-cancel = ✖️ لغو
master-btn-open = 🔎 باز کردن فروشگاه
master-btn-prev = ◀️ قبلی
master-btn-next = بعدی ▶️
master-btn-refresh = 🔄 به‌روزرسانی
master-btn-suspend = ⏸ تعلیق
master-btn-activate = ▶️ فعال‌سازی
master-btn-features = 🧩 امکانات
master-btn-topup = 💰 شارژ کیف پول
master-btn-price = 🏷 قیمت هر گیگ
master-btn-wallet = 🧾 تاریخچهٔ کیف پول
master-btn-back = ⬅️ بازگشت
master-btn-confirm = ✅ تأیید

## افزودن فروشگاه
master-add-prompt =
    توکن ربات فروشگاه تازه را همان‌طور که @BotFather داده است بفرستید (123456789:ABC…).
    پیش از ذخیره، آن را با تلگرام بررسی می‌کنم.
master-token-invalid = این شبیه توکن ربات نیست. کل توکن را از @BotFather کپی کنید (123456789:ABC…) و دوباره بفرستید.
master-token-rejected = تلگرام این توکن را نمی‌پذیرد: باطل شده یا اشتباه وارد شده است. با @BotFather توکن تازه‌ای بسازید و دوباره بفرستید.
master-token-unreachable = برای بررسی توکن به تلگرام دسترسی نداشتیم. لطفاً چند لحظه دیگر دوباره تلاش کنید.
master-token-taken = این ربات از قبل یک فروشگاه است: { $name } (#{ $id }).
master-token-taken-race = این ربات همین چند لحظه پیش به‌عنوان فروشگاه ثبت شد. آن را در فهرست فروشگاه‌ها پیدا کنید.
master-tenant-added =
    ✅ فروشگاه اضافه شد: { $name } (@{ $username })، #{ $id }.
    ربات تا چند ثانیهٔ دیگر شروع به پاسخ‌گویی می‌کند.

    توکن API این فروشگاه که فقط همین یک بار نمایش داده می‌شود؛ آن را جای امنی نگه دارید:
    { $apiToken }

## فروشگاه‌ها
master-list-title = 📋 فروشگاه‌ها، صفحهٔ { $page }
master-list-empty = هنوز هیچ فروشگاهی نیست.
master-list-line =
    #{ $id } { $name } (@{ $username }) { $master }
    { $active } · { $health } · فروش: { $sales } ({ $amount })
master-tenant-not-found = این فروشگاه دیگر وجود ندارد.
master-tenant-card =
    🤖 { $name } (@{ $username }) · #{ $id } { $master }
    وضعیت: { $active }
    سلامت: { $health } { $healthError }

    مشتریان: { $customers } · اشتراک‌های فعال: { $subscriptions }
    فروش: { $sales } ({ $amount })

    کیف پول: { $balance } · قیمت هر گیگ: { $price }
    ترافیک فروخته‌شده: { $sold } گیگ · مصرف‌شده: { $consumed } گیگ
master-cannot-suspend-master = ربات مادر را نمی‌توان از درون خودش تعلیق کرد.
master-activated = فروشگاه فعال شد.
master-suspended = فروشگاه تعلیق شد.
master-features-title = 🧩 امکانات { $name } (#{ $id }). برای روشن یا خاموش کردن هر کدام، آن را بزنید.
master-feature-on = { $key } روشن شد.
master-feature-off = { $key } خاموش شد.

## کیف پول
master-wallet-title = 🧾 کیف پول { $name } (#{ $id })، آخرین تراکنش‌ها
master-wallet-empty = هنوز تراکنشی ثبت نشده است.
master-wallet-line = { $date } · { $kind } { $amount } ← { $balance } { $reason }
master-number-invalid = لطفاً یک عدد صحیح و فقط با رقم بفرستید (مثلاً 500000).
master-price-prompt =
    قیمت عمدهٔ هر گیگ برای { $name } (اکنون { $price }).
    قیمت تازه را به‌صورت عدد صحیح بفرستید؛ صفر یعنی فروش برای این فروشگاه رایگان است.
master-price-set = ✅ قیمت هر گیگ روی { $price } تنظیم شد.
master-topup-prompt =
    شارژ کیف پول { $name } (موجودی فعلی { $balance }).
    مبلغی را که باید اضافه شود به‌صورت عدد صحیح بفرستید.
master-topup-confirm = { $amount } به کیف پول { $name } (#{ $id }) اضافه شود؟
master-topup-expired = این شارژ دیگر در انتظار تأیید نیست. از صفحهٔ فروشگاه دوباره شروع کنید.
master-topup-done = ✅ کیف پول به مبلغ { $amount } شارژ شد. موجودی تازه: { $balance }.
master-topup-over-limit = ❌ شارژ نشد: موجودی کیف پول حداکثر می‌تواند { $max } باشد و این کیف پول فقط { $room } دیگر جا دارد.

## آمار ناوگان
master-stats =
    📊 آمار ناوگان

    فروشگاه‌ها: { $total } (فعال { $active }، تعلیق‌شده { $suspended })
    سلامت فروشگاه‌های فعال: ✅ { $healthy } سالم · ⚠️ { $unhealthy } دارای مشکل
    مشتریان: { $customers }
    اشتراک‌های فعال: { $subscriptions }
    فروش: { $sales } ({ $amount })
    کیف پول‌ها: در مجموع { $wallets }
    ترافیک فروخته‌شده: { $sold } گیگ · مصرف‌شده: { $consumed } گیگ
