## منوی مدیریت: کیف پول فروشگاه نزد اپراتور

wallet-admin-btn = 👛 کیف پول
wallet-admin-title = 👛 کیف پول فروشگاه { $shop } نزد اپراتور
wallet-admin-balance =
    موجودی: { $balance }
    قیمت هر گیگابایت: { $price }
wallet-admin-month =
    📅 این ماه (از { $since }):
    فروش: { $sales } سفارش، { $sold } · مصرف: { $consumed }
    کسر شده از کیف پول: { $spent } · شارژ شده: { $toppedUp }
wallet-admin-totals = از ابتدا: { $sold } فروخته شده · { $consumed } مصرف شده
wallet-admin-warning-at = 🔔 هشدار موجودی کم: وقتی موجودی به زیر { $threshold } برسد
wallet-admin-warning-off = 🔕 هشدار موجودی کم خاموش است.
wallet-admin-low-now = ⚠️ موجودی کیف پول از حد هشدار کمتر است؛ پیش از توقف فروش آن را شارژ کنید.
wallet-admin-empty-now = ⛔ کیف پول خالی است: تا شارژ آن، فروش تازه انجام نمی‌شود.
wallet-admin-btn-history = 🧾 تاریخچه
wallet-admin-btn-topup = 💳 شارژ کیف پول
wallet-admin-btn-warning = 🔔 حد هشدار
wallet-admin-btn-newest = ⏮ جدیدترین
wallet-admin-btn-older = قدیمی‌تر ▶️
wallet-admin-history-title = 🧾 تاریخچهٔ کیف پول
wallet-admin-history-empty = هنوز تراکنشی در کیف پول ثبت نشده است.
wallet-admin-line =
    { $date } · { $kind ->
        [topup] 💰 شارژ
        [sale] 🛒 فروش
        [refund] ↩️ بازگشت وجه
        [adjustment] ✏️ اصلاح اپراتور
        [consumption] 📶 مصرف روزانه
       *[other] سایر
    } { $amount }
    موجودی پس از آن: { $balance } { $detail }
wallet-admin-detail = { $kind ->
    [sale] (سفارش #{ $order }، { $traffic })
    [refund] (سفارش #{ $order }، { $traffic })
    [consumption] ({ $traffic })
   *[other] {""}
}
wallet-admin-topup-title = 💳 شارژ کیف پول
wallet-admin-topup-contact =
    کیف پول را اپراتور شارژ می‌کند. به { $contact } پیام دهید و شمارهٔ فروشگاه (#{ $shop }) و مبلغ را بگویید؛ پس از پرداخت، موجودی همین‌جا دیده می‌شود.
wallet-admin-topup-no-contact =
    کیف پول را اپراتور شارژ می‌کند. با اپراتوری که این ربات را برایتان راه انداخته تماس بگیرید و شمارهٔ فروشگاه (#{ $shop }) و مبلغ را بگویید.
wallet-admin-btn-support = 💬 پیام به پشتیبانی اپراتور
wallet-admin-btn-master = 🛰 ربات اپراتور
wallet-admin-warning-ask =
    وقتی موجودی کیف پول به زیر چه مبلغی برسد به شما هشدار بدهم؟ (اکنون: { $current })
    مبلغ را به‌صورت عدد صحیح بفرستید؛ صفر یعنی بدون هشدار.
wallet-admin-warning-none = بدون هشدار
wallet-admin-warning-invalid = لطفاً یک مبلغ صحیح و بدون اعشار بفرستید (مثلاً ۵۰۰۰۰۰)؛ صفر هشدار را خاموش می‌کند.
wallet-admin-warning-saved = ✅ از این پس وقتی موجودی به زیر { $threshold } برسد، یک بار هشدار می‌گیرید.
wallet-admin-warning-cleared = ✅ هشدار موجودی کم خاموش شد.
wallet-admin-low-alert =
    ⚠️ موجودی کیف پول فروشگاه به { $balance } رسید و از حد هشدار شما ({ $threshold }) کمتر شد.
    پیش از آنکه فروش متوقف شود، کیف پول را شارژ کنید.
# برچسب همین تنظیم در بخش تنظیمات
adm-label-wallet-low-balance-warning = هشدار موجودی کم کیف پول
