## منوی مدیریت فروشگاه (داخل ربات هر فروشگاه، برای مدیران همان فروشگاه)

adm-menu-button = 🛠 مدیریت
adm-admins-only = متأسفیم، این منو فقط برای مدیران این فروشگاه است.
adm-private-only = لطفاً منوی مدیریت را در گفت‌وگوی خصوصی با ربات باز کنید: /admin
adm-master-hint = در ربات اصلی، پنل اپراتورها با دستور /fleet باز می‌شود.
adm-home =
    🛠 منوی مدیریت · { $shop }

    پلن‌ها و کارت‌های بانکی را مدیریت کنید، تنظیمات فروشگاه را تغییر دهید، مشتریان را جست‌وجو کنید و موجودی‌شان را افزایش دهید، یا آمار فروش را ببینید.
adm-cancelled = لغو شد.

adm-btn-receipts = 🧾 رسیدهای در انتظار ({ $count })
adm-btn-plans = 📦 پلن‌ها
adm-btn-cards = 💳 کارت‌ها
adm-btn-customers = 👥 مشتریان
adm-btn-stats = 📊 آمار
adm-btn-settings = ⚙️ تنظیمات
adm-btn-home = 🛠 منوی مدیریت
adm-btn-back = ⬅️ بازگشت
adm-btn-cancel = ✖️ لغو
adm-btn-confirm = ✅ تأیید
adm-btn-refresh = 🔄 به‌روزرسانی
adm-btn-skip = ⏭ رد کردن
adm-btn-switch-off = ⏸ غیرفعال کردن
adm-btn-switch-on = ▶️ فعال کردن
adm-btn-plan-new = ➕ پلن جدید
adm-btn-edit-name = ✏️ نام
adm-btn-edit-price = 💵 قیمت
adm-btn-edit-days = ⏳ مدت
adm-btn-edit-traffic = 📶 حجم
adm-btn-edit-devices = 📱 دستگاه‌ها
adm-btn-move-up = 🔼 بالاتر
adm-btn-move-down = 🔽 پایین‌تر
adm-btn-card-new = ➕ افزودن کارت
adm-btn-change = ✏️ تغییر
adm-btn-reset = ♻️ بازگشت به پیش‌فرض
adm-btn-credit = 💰 افزایش موجودی
adm-btn-search-again = 🔎 جست‌وجوی دیگر

## رسیدهای در انتظار
adm-receipts-none = ✅ هیچ رسید کارت‌به‌کارتی در انتظار بررسی نیست.
adm-receipts-title = 🧾 رسیدهای در انتظار بررسی: { $count }{ $more ->
    [yes] {" "}(قدیمی‌ترها نمایش داده می‌شوند؛ بقیه پس از بررسی این‌ها)
   *[other] {""}
}. هر رسید در ادامه با دکمه‌های تأیید و رد آمده است.

## پلن‌ها
adm-plans-title = 📦 پلن‌ها، به ترتیبی که مشتریان می‌بینند:
adm-plans-empty = هنوز هیچ پلنی ساخته نشده است. اولین پلن را بسازید.
adm-plan-line =
    { $position }. { $name } · { $price }
    { $days } روز · { $traffic } · دستگاه: { $devices } · { $active ->
        [yes] ✅ در حال فروش
       *[other] ⏸ غیرفعال
    }
adm-plan-card =
    📦 { $name } ({ $position } از { $count })
    💵 قیمت: { $price }
    ⏳ مدت: { $days } روز
    📶 حجم: { $traffic }
    📱 دستگاه‌ها: { $devices }
    وضعیت: { $active ->
        [yes] ✅ در حال فروش
       *[other] ⏸ غیرفعال
    }
adm-plan-not-found = این پلن وجود ندارد (یا حذف شده است).
adm-plan-new-title = ➕ پلن جدید
adm-plan-editing = ✏️ ویرایش { $name }
adm-plan-ask-name = نام پلن را بفرستید (حداکثر ۶۴ نویسه)، مثلاً «یک ماهه · ۵۰ گیگ».
adm-plan-ask-days = مدت پلن را به روز بفرستید: عددی صحیح از ۱ تا ۳۶۵۰.
adm-plan-ask-price = قیمت را بفرستید: عددی صحیح و دست‌کم ۱، به واحد پول فروشگاه.
adm-plan-ask-traffic = حجم را به گیگابایت بفرستید: عددی صحیح از ۰ تا ۱۰۰۰۰۰ (۰ = نامحدود).
adm-plan-ask-devices = محدودیت دستگاه را بفرستید: عددی صحیح از ۰ تا ۱۰۰ (۰ = نامحدود).
adm-plan-bad-name = ❌ نام باید بین ۱ تا ۶۴ نویسه باشد. دوباره بفرستید.
adm-plan-bad-days = ❌ مدت باید عددی صحیح از ۱ تا ۳۶۵۰ روز باشد. دوباره بفرستید.
adm-plan-bad-price = ❌ قیمت باید عددی صحیح و دست‌کم ۱ باشد. دوباره بفرستید.
adm-plan-bad-traffic = ❌ حجم باید عددی صحیح از ۰ تا ۱۰۰۰۰۰ گیگابایت باشد (۰ = نامحدود). دوباره بفرستید.
adm-plan-bad-devices = ❌ محدودیت دستگاه باید عددی صحیح از ۰ تا ۱۰۰ باشد (۰ = نامحدود). دوباره بفرستید.
adm-plan-not-created = ❌ پلن ساخته نشد: { $reason }
adm-plan-created = ✅ پلن «{ $name }» ساخته شد و در حال فروش است.
adm-plan-saved = ✅ ذخیره شد.
adm-plan-moved = جابه‌جا شد.
adm-plan-switched-off = پلن غیرفعال شد: دیگر به مشتریان نمایش داده نمی‌شود.
adm-plan-switched-on = پلن دوباره در حال فروش است.

## کارت‌ها
adm-cards-title = 💳 کارت‌های پرداخت کارت‌به‌کارت:
adm-cards-empty = هنوز هیچ کارتی اضافه نشده است. یک کارت اضافه کنید تا مشتریان بتوانند کارت‌به‌کارت پرداخت کنند.
adm-card-line =
    { $number } · { $holder } · { $bank }
    نرخ موفقیت: { $rate } ({ $success } تأییدشده، { $failure } ردشده) · { $active ->
        [yes] ✅ فعال
       *[other] ⏸ غیرفعال
    }
adm-card-card =
    💳 { $number }
    صاحب کارت: { $holder }
    بانک: { $bank }
    نرخ موفقیت: { $rate } ({ $success } تأییدشده، { $failure } ردشده)
    دفعات نمایش به مشتریان: { $used }
    وضعیت: { $active ->
        [yes] ✅ فعال
       *[other] ⏸ غیرفعال
    }
adm-card-not-found = این کارت وجود ندارد (یا حذف شده است).
adm-card-ask-number = شماره کارت ۱۶ رقمی را بفرستید (فاصله یا خط تیره اشکالی ندارد).
adm-card-bad-number = ❌ این شماره کارت معتبر نیست: باید ۱۶ رقم باشد و رقم کنترلی آن درست باشد. آن را بررسی کنید و دوباره بفرستید.
adm-card-duplicate = ❌ این کارت قبلاً اضافه شده است.
adm-card-ask-holder = کارت { $number }. حالا نام صاحب کارت را همان‌طور که بانک نشان می‌دهد بفرستید.
adm-card-bad-holder = ❌ نام صاحب کارت باید بین ۱ تا ۱۲۸ نویسه باشد. دوباره بفرستید.
adm-card-ask-bank = نام بانک را بفرستید (حداکثر ۶۴ نویسه)، یا «رد کردن» را بزنید.
adm-card-bad-bank = ❌ نام بانک حداکثر می‌تواند ۶۴ نویسه باشد. دوباره بفرستید.
adm-card-created = ✅ کارت { $number } اضافه شد و فعال است.
adm-card-switched-off = کارت غیرفعال شد: دیگر به مشتریان نمایش داده نمی‌شود.
adm-card-switched-on = کارت دوباره فعال شد.

## تنظیمات
adm-settings-title = ⚙️ تنظیمات این فروشگاه. یک گروه را انتخاب کنید:
adm-setting-line = • { $name }: { $value }
adm-setting-card =
    ⚙️ { $name }
    مقدار فعلی: { $value } { $source ->
        [tenant] (تنظیم‌شده توسط شما)
       *[other] (پیش‌فرض)
    }
    پیش‌فرض: { $default }
    مقدار مجاز: { $expects }
adm-setting-ask =
    ✏️ { $name }
    مقدار جدید را بفرستید. مقدار مجاز: { $expects }.{ $list ->
        [numbers] {" "}موارد را با کاما جدا کنید و اعداد را بدون جداکنندهٔ هزارگان بنویسید.
        [yes] {" "}موارد را با کاما جدا کنید.
       *[other] {""}
    }{ $nullable ->
        [yes] {" "}برای خالی گذاشتن، - بفرستید.
       *[other] {""}
    }
adm-setting-saved = ✅ ذخیره شد.
adm-setting-reset-done = ♻️ به مقدار پیش‌فرض برگشت.
adm-setting-invalid =
    ❌ این مقدار پذیرفته نشد. مقدار مجاز: { $expects }.
    مقدار دیگری بفرستید یا لغو کنید.
adm-setting-operator-only = ⛔ این تنظیم را فقط اپراتور این سرویس می‌تواند تغییر دهد.
adm-setting-unknown = چنین تنظیمی وجود ندارد.
adm-value-on = ✅ روشن
adm-value-off = ⏸ خاموش
adm-value-empty = (خالی)

adm-group-basics = 🌐 پایه
adm-group-support = 🆘 پشتیبانی
adm-group-notifications = 🔔 اعلان‌ها
adm-group-required-channel = 📢 کانال اجباری
adm-group-trial = 🎁 اشتراک آزمایشی
adm-group-autopay = 🔁 تمدید خودکار
adm-group-subscriptions = 📶 اشتراک‌ها
adm-group-payments = 💳 پرداخت‌ها
adm-group-wallet = 👛 کیف پول

adm-label-default-language = زبان پیش‌فرض
adm-label-available-languages = زبان‌های در دسترس
adm-label-language-selection-enabled = پرسیدن زبان از مشتریان جدید
adm-label-timezone = منطقهٔ زمانی
adm-label-skip-rules-acceptance = رد شدن از پذیرش قوانین
adm-label-rules-text = متن قوانین
adm-label-support-username = نام کاربری پشتیبانی
adm-label-support-menu-enabled = پشتیبانی در منوی اصلی
adm-label-admin-chat-id = گروه مدیران
adm-label-receipt-topic-id = تاپیک رسیدها در گروه مدیران
adm-label-required-channel-enabled = عضویت اجباری در کانال
adm-label-required-channel-id = کانال اجباری
adm-label-required-channel-link = لینک دعوت کانال
adm-label-trial-days = مدت اشتراک آزمایشی (روز)
adm-label-trial-traffic-gb = حجم اشتراک آزمایشی (گیگابایت)
adm-label-trial-devices = دستگاه‌های اشتراک آزمایشی
adm-label-traffic-reset-strategy = بازنشانی حجم
adm-label-max-subscriptions-per-customer = حداکثر اشتراک هر مشتری
adm-label-autopay-default = تمدید خودکار برای همه (مگر مشتری خاموشش کند)
adm-label-autopay-hours-before = چند ساعت پیش از انقضا تمدید شود
adm-label-autopay-min-balance = موجودی‌ای که همیشه دست‌نخورده می‌ماند
adm-label-panel-squads = اسکوادهای پنل
adm-label-panel-tag = برچسب پنل
adm-label-card-rotation-strategy = چرخش کارت‌ها
adm-label-card-rotation-interval-minutes = فاصلهٔ چرخش کارت (دقیقه)
adm-label-receipt-expiry-hours = انقضای رسید (ساعت)
adm-label-topup-presets = مبالغ پیشنهادی شارژ
adm-label-topup-min = کمترین مبلغ شارژ
adm-label-topup-max = بیشترین مبلغ شارژ
adm-label-stars-per-unit-price = استارز به ازای هر ۱٬۰۰۰ واحد
adm-label-wallet-unlimited-equivalent-gb = معادل حجم پلن نامحدود (گیگابایت)
adm-label-wallet-billing-mode = شیوهٔ کسر از کیف پول
adm-label-wallet-consumption-grace = سقف بدهی کیف پول در کسر بر اساس مصرف

## مشتریان
adm-customers-ask = 🔎 شناسهٔ تلگرام، @نام‌کاربری یا بخشی از نام را بفرستید.
adm-customers-none = هیچ مشتری‌ای با «{ $query }» پیدا نشد. جست‌وجوی دیگری بفرستید یا لغو کنید.
adm-customers-found = { $count } مشتری پیدا شد (حداکثر { $limit } نمایش داده می‌شود). یکی را انتخاب کنید:
adm-customer-not-found = این مشتری در این فروشگاه وجود ندارد.
adm-customer-card =
    👤 { $name } · { $username }
    شناسهٔ تلگرام: { $telegramId } · مشتری #{ $id }
    💰 موجودی: { $balance }
    🌐 زبان: { $language }
    📅 تاریخ عضویت: { $joined }

    { $subscription }

    🧾 سفارش‌های اخیر:
    { $orders }
adm-customer-subscription =
    📶 اشتراک: { $status }
    انقضا: { $expires } · حجم: { $used } از { $limit }
adm-customer-no-subscription = 📶 اشتراکی ندارد.
adm-customer-no-orders = هنوز سفارشی ندارد
adm-customer-order = #{ $id } · { $plan } · { $price } · { $status } · { $date }
adm-order-created = در انتظار پرداخت
adm-order-paid = پرداخت‌شده
adm-order-provisioning = در حال فعال‌سازی
adm-order-active = فعال
adm-order-cancelled = لغوشده

adm-credit-ask-amount =
    💰 افزایش موجودی { $name } (موجودی فعلی: { $balance }).
    مبلغ را بفرستید: عددی صحیح به واحد پول فروشگاه.
adm-credit-bad-amount = ❌ مبلغ باید عددی صحیح و بزرگ‌تر از صفر باشد. دوباره بفرستید.
adm-credit-over-limit = ❌ افزوده نشد: موجودی حداکثر می‌تواند { $max } باشد و این موجودی فقط { $room } دیگر جا دارد.
adm-credit-ask-reason = مبلغ: { $amount }. حالا دلیل را بفرستید (حداکثر ۲۰۰ نویسه)؛ همراه این تراکنش ثبت می‌شود.
adm-credit-bad-reason = ❌ دلیل الزامی است و حداکثر ۲۰۰ نویسه می‌تواند باشد. دوباره بفرستید.
adm-credit-confirm =
    { $amount } به موجودی { $name } افزوده شود؟
    دلیل: { $reason }
adm-credit-expired = این تأییدیه قبلاً استفاده شده یا منقضی شده است.
adm-credit-done-short = افزوده شد.
adm-credit-done = ✅ { $amount } افزوده شد. موجودی جدید: { $balance }.
adm-credit-customer-notice = 💰 مبلغ { $amount } به موجودی شما افزوده شد. موجودی فعلی شما: { $balance }.

## آمار
adm-stats-paid = { $count } · { $sum }
adm-stats =
    📊 آمار فروش

    👥 مشتریان: { $customers } (جدید امروز: { $newToday })
    📶 اشتراک‌های فعال: { $active }

    🧾 سفارش‌های پرداخت‌شده
    امروز: { $today }
    ۷ روز گذشته: { $week }
    ۳۰ روز گذشته: { $month }
