## نمایندگی: «فروشگاه من را بساز» در ربات اصلی، طرح‌های نمایندگی (اپراتورها)، هزینهٔ ماهانهٔ فروشگاه

reseller-open-shop = 🏪 فروشگاه خودم را بسازم
reseller-signup-closed = ساخت فروشگاه در حال حاضر ممکن نیست.
reseller-plans-title = 🏪 فروشگاه فیلترشکن خودتان را راه بیندازید. یک طرح انتخاب کنید:
reseller-plan-line =
    📦 { $name }
    هزینهٔ ماهانه: { $fee }
    اعتبار کیف پول همراه طرح: { $credit }
    سقف مشتریان: { $cap }
    امکانات: { $features }
reseller-cap-none = بدون سقف
reseller-feature = { $key ->
    [card_to_card] کارت به کارت
    [zarinpal] زرین‌پال
    [telegram_stars] ستاره‌های تلگرام
    [trial_subscription] اشتراک آزمایشی
    [referral_program] دعوت دوستان
    [support_contact] تماس با پشتیبانی
    [promo_codes] کد تخفیف
    [support_tickets] تیکت پشتیبانی
    [autopay] تمدید خودکار
    [mini_app] مینی‌اپ
    [traffic_packs] حجم اضافه
    [day_packs] روز اضافه
    [subscription_devices] مدیریت دستگاه‌ها
    [broadcasts] پیام همگانی
    [subscription_new_link] لینک جدید اشتراک
    [help_pages] صفحه‌های راهنما
   *[other] امکان دیگر
}
reseller-token-ask = با ‎@BotFather‎ یک ربات بسازید (دستور ‎/newbot‎) و توکن آن را همین‌جا بفرستید. توکن شبیه این است: ‎123456789:AA…‎
reseller-token-invalid = این توکن ربات نیست. کل توکنی را که ‎@BotFather‎ داده است کپی کنید و دوباره بفرستید.
reseller-token-taken = این ربات قبلاً به‌عنوان فروشگاه ثبت شده است. با ‎@BotFather‎ ربات تازه‌ای بسازید و توکن آن را بفرستید.
reseller-token-rejected = تلگرام این توکن را نمی‌پذیرد؛ شاید باطل شده یا اشتباه نوشته شده باشد. آن را در ‎@BotFather‎ بررسی کنید و دوباره بفرستید.
reseller-token-unreachable = برای بررسی توکن به تلگرام دسترسی نبود. لطفاً کمی بعد دوباره بفرستید.
reseller-plan-unavailable = این طرح دیگر در دسترس نیست.
reseller-signup-summary =
    🏪 فروشگاه شما: { $bot }
    هزینهٔ طرح (ماه اول): { $price }
    موجودی شما: { $balance }
reseller-signup-pay-hint = موجودی خود را با یکی از روش‌های زیر افزایش دهید: با تأیید پرداخت، هزینهٔ طرح برداشته می‌شود و فروشگاه شما راه می‌افتد.
reseller-btn-pay-balance = ✅ پرداخت از موجودی
reseller-btn-cancel = ✖️ لغو
reseller-signup-cancelled = درخواست فروشگاه لغو شد. مبلغی کسر نشد.
reseller-signup-paid-approval = ✅ پرداخت شد. فروشگاه { $bot } منتظر تأیید اپراتورهاست؛ نتیجه را همین‌جا به شما خبر می‌دهیم.
reseller-signup-paid-start = ✅ پرداخت شد. فروشگاه { $bot } در حال راه‌اندازی است؛ تا چند لحظهٔ دیگر همین‌جا پیام می‌گیرید.
reseller-signup-status = { $status ->
    [awaiting_approval] هزینهٔ فروشگاه { $bot } پرداخت شده و منتظر تأیید اپراتورهاست.
    [approved] فروشگاه { $bot } تأیید شده و در حال راه‌اندازی است.
    [started] فروشگاه { $bot } فعال است.
    [rejected] درخواست فروشگاه { $bot } رد شد و مبلغ آن بازگردانده شد.
    [failed] فروشگاه { $bot } ساخته نشد و مبلغ آن بازگردانده شد.
   *[other] درخواست فروشگاه { $bot } بسته شده است.
}
reseller-notice-awaiting_approval = ✅ پرداخت برای { $bot } دریافت شد. اپراتورها به‌زودی فروشگاه شما را بررسی می‌کنند.
reseller-notice-started =
    🎉 فروشگاه { $bot } راه افتاد!
    ربات آن را باز کنید و برای مدیریت پلن‌ها، کارت‌ها و تنظیمات دستور ‎/admin‎ را بفرستید.
reseller-notice-rejected = درخواست فروشگاه { $bot } رد شد. مبلغ { $price } به موجودی شما بازگشت (موجودی فعلی: { $balance }).
reseller-notice-failed = فروشگاه { $bot } ساخته نشد (این ربات جای دیگری ثبت شده یا توکن آن عوض شده است). مبلغ { $price } به موجودی شما بازگشت (موجودی فعلی: { $balance }).
reseller-btn-open-shop = 🏪 باز کردن ربات فروشگاه من
reseller-notice-wallet-credited = ✅ مبلغ { $amount } به کیف پول { $shop } اضافه شد.

reseller-topup-custom = ✏️ مبلغ دیگر
reseller-topup-title = 👛 شارژ کیف پول { $shop }. مبلغ را انتخاب کنید:
reseller-topup-summary =
    👛 شارژ کیف پول { $shop }: { $amount }
    موجودی شما در این ربات: { $balance }
reseller-topup-pay-hint = با یکی از روش‌های زیر پرداخت کنید: با تأیید پرداخت، مبلغ به کیف پول فروشگاه شما اضافه می‌شود.
reseller-topup-unavailable = این شارژ در دسترس نیست. آن را دوباره از صفحهٔ کیف پول فروشگاه خود باز کنید.
reseller-topup-enter = مبلغ را بفرستید (از { $min } تا { $max }).
reseller-topup-amount-invalid = این مبلغ قابل استفاده نیست. یک مبلغ صحیح در این محدوده بفرستید.
reseller-topup-paid = ✅ پرداخت شد: مبلغ { $amount } در حال افزودن به کیف پول { $shop } است.
reseller-btn-topup = 💳 پرداخت در ربات اپراتور
reseller-topup-how = در ربات اپراتور با کارت به کارت، زرین‌پال یا ستاره‌های تلگرام پرداخت کنید: مبلغ بلافاصله پس از تأیید پرداخت به این کیف پول اضافه می‌شود.

reseller-fee-renewed =
    ✅ طرح نمایندگی { $plan } تمدید شد: مبلغ { $fee } از کیف پول برداشته شد.
    موجودی کیف پول: { $balance }. تمدید بعدی: { $next }.
reseller-fee-unpaid =
    ⚠️ هزینهٔ طرح نمایندگی { $plan } سررسید شده است: { $fee }، اما موجودی کیف پول { $balance } است.
    پیش از { $suspendAt } کیف پول را شارژ کنید، وگرنه فروش جدید متوقف می‌شود. اشتراک‌های مشتریان شما کار می‌کنند.
reseller-fee-suspended =
    ⛔️ فروش متوقف شد: هزینهٔ ماهانهٔ { $plan } ({ $fee }) پرداخت نشده و موجودی کیف پول { $balance } است.
    اشتراک‌های مشتریان شما کار می‌کنند؛ خرید و تمدید جدید تا شارژ کیف پول و پرداخت هزینه پذیرفته نمی‌شود.
reseller-shop-full = متأسفیم، این فروشگاه در حال حاضر مشتری جدید نمی‌پذیرد.

reseller-op-btn = 🏪 طرح‌های نمایندگی
reseller-op-plans =
    🏪 طرح‌های نمایندگی: { $count }
    ساخت فروشگاه توسط مشتریان: { $signup ->
        [yes] روشن
       *[no] خاموش (در تنظیمات فروشگاه اصلی، بخش نمایندگی، روشن کنید)
    }
reseller-op-btn-new = ➕ طرح جدید
reseller-op-btn-waiting = 🕓 منتظر تأیید ({ $count })
reseller-op-plan-card =
    📦 { $name }
    هزینهٔ ماهانه: { $fee }
    اعتبار کیف پول همراه طرح: { $credit }
    سقف مشتریان: { $cap }
    در حال فروش: { $active ->
        [yes] بله
       *[no] خیر
    }
reseller-op-btn-edit = { $field ->
    [name] ✏️ نام
    [fee] 💵 هزینه
    [credit] 👛 اعتبار
   *[cap] 👥 سقف
}
reseller-op-btn-active = { $active ->
    [yes] ⏸ توقف فروش
   *[no] ▶️ فروش دوباره
}
reseller-op-btn-plans = ⬅️ طرح‌های نمایندگی
reseller-op-features-hint = امکاناتی که فروشگاهِ این طرح نگه می‌دارد (✅)؛ بقیه هنگام راه‌اندازی خاموش می‌شوند. برای تغییر، هر کدام را بزنید.
reseller-op-signup =
    #{ $id } · { $who }
    ربات: { $bot }
    پرداخت‌شده: { $price }
reseller-op-review-title = 🏪 فروشگاه تازه‌ای پرداخت شده و منتظر تأیید شماست:
reseller-op-btn-approve = ✅ تأیید #{ $id }
reseller-op-btn-reject = ✖️ رد #{ $id }
reseller-op-none-waiting = فروشگاهی منتظر تأیید نیست.
reseller-op-ask = { $field ->
    [name] نام طرح را بفرستید (حداکثر ۶۴ نویسه).
    [fee] هزینهٔ ماهانه را بفرستید (مبلغ صحیح؛ ۰ یعنی رایگان).
    [credit] اعتبار کیف پول همراه ماه اول را بفرستید (مبلغ صحیح؛ ۰ یعنی هیچ).
   *[cap] بیشترین تعداد مشتریان یک فروشگاه را بفرستید (۰ یعنی بدون سقف).
}
reseller-op-invalid = این مقدار قابل استفاده نیست. { $field ->
    [name] نامی بین ۱ تا ۶۴ نویسه بفرستید.
   *[other] یک عدد صحیح بفرستید.
}
reseller-op-saved = ✅ ذخیره شد.
reseller-op-created = ✅ طرح ساخته شد.
reseller-op-approved = ✅ تأیید شد: فروشگاه در حال راه‌اندازی است.
reseller-op-rejected = رد شد؛ مبلغ به موجودی مشتری بازگشت.
reseller-op-already = قبلاً تصمیم گرفته شده است: { $status ->
    [approved] تأیید شده
    [started] راه‌اندازی شده
    [rejected] رد شده
    [failed] ناموفق
   *[other] بسته شده
}

adm-group-resellers = 🏪 نمایندگی
adm-label-reseller-signup-enabled = مشتریان بتوانند فروشگاه خودشان را بسازند (ربات اصلی)
adm-label-reseller-approval-required = فروشگاه‌های پرداخت‌شده منتظر تأیید اپراتور بمانند
adm-label-reseller-grace-days = مهلت فروش فروشگاهِ بدهکار (روز)
