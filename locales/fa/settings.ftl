## تنظیمات فروشگاه در منوی مدیریت: آنچه هر تنظیم می‌پذیرد و نام گزینه‌ها
## (متن انگلیسی registry.ts فقط برای API و ربات اپراتور است)

-adm-switch = روشن یا خاموش؛ با دکمه‌های زیر انتخاب کنید
-adm-pick = با دکمه‌های زیر انتخاب کنید

adm-setting-not-saved = ❌ ذخیره نشد. دوباره امتحان کنید.

adm-quoted = «{ $text }»
adm-money-unit-irt = تومان
adm-money-unit-usd = سنت
adm-money-unit-rub = کوپک

adm-expects-default-language = یکی از { $choices }؛ { -adm-pick }
adm-expects-available-languages = فهرستی بدون تکرار از زبان‌های { $choices } (دست‌کم یکی)، مثلاً فارسی، انگلیسی
adm-expects-language-selection-enabled = { -adm-switch }
adm-expects-timezone = نام بین‌المللی یک منطقهٔ زمانی به حروف لاتین و به شکل «قاره/شهر»؛ پیش‌فرض، وقت ایران است
adm-expects-skip-rules-acceptance = { -adm-switch }
adm-expects-rules-text = متنی تا ۳٬۵۰۰ نویسه؛ برای متن پیش‌فرض، «بازگشت به پیش‌فرض» را بزنید
adm-expects-support-username = نام کاربری تلگرام: ۵ تا ۳۲ نویسه از حروف لاتین، رقم و زیرخط که با حرف شروع شود (با یا بدون @)
adm-expects-support-menu-enabled = { -adm-switch }
adm-expects-support-mode = یکی از { $choices }؛ { -adm-pick }
adm-expects-ticket-max-open = عددی صحیح از ۱ تا ۲۰
adm-expects-ticket-messages-per-minute = عددی صحیح از ۱ تا ۶۰
adm-expects-admin-chat-id = شناسهٔ عددی گروه مدیران در تلگرام (عددی صحیح غیر از صفر؛ شناسهٔ گروه‌ها منفی است)
adm-expects-receipt-topic-id = شناسهٔ عددی تاپیک در گروه مدیران (عددی صحیح و مثبت)
adm-expects-ticket-topic-id = شناسهٔ عددی تاپیک در گروه مدیران (عددی صحیح و مثبت)
adm-expects-required-channel-enabled = { -adm-switch }
adm-expects-required-channel-id = شناسهٔ عددی کانال (عددی منفی) یا نام کاربری کانال که با @ شروع شود
adm-expects-required-channel-link = لینک کامل دعوت به کانال، همان‌طور که تلگرام آن را می‌دهد
adm-expects-max-subscriptions-per-customer = عددی صحیح از ۱ تا ۲۰
adm-expects-autopay-default = { -adm-switch }
adm-expects-autopay-hours-before = عددی صحیح از ۱ تا ۱۶۸ (ساعت)
adm-expects-autopay-min-balance = مبلغی صحیح از ۰ به بالا، به { $unit }
adm-expects-trial-days = عددی صحیح از ۱ تا ۳۰ (روز)
adm-expects-trial-traffic-gb = عددی صحیح از ۰ تا ۱۰۰ (گیگابایت؛ ۰ یعنی نامحدود)
adm-expects-trial-devices = عددی صحیح از ۱ تا ۱۰
adm-expects-traffic-reset-strategy = یکی از { $choices }؛ { -adm-pick }
adm-expects-renewal-warning-days = فهرستی از حداکثر ۵ عدد صحیح متفاوت از ۱ تا ۶۰ (روز)، مثلاً ۳، ۱؛ فهرست خالی یعنی بدون یادآوری
adm-expects-comeback-days = عددی صحیح از ۰ تا ۹۰ (روز؛ ۰ یعنی هرگز)
adm-expects-traffic-warning-percents = فهرستی از حداکثر ۵ عدد صحیح متفاوت از ۱ تا ۹۹ (درصد)، مثلاً ۸۰، ۹۵؛ فهرست خالی یعنی بدون هشدار
adm-expects-card-rotation-strategy = یکی از { $choices }؛ { -adm-pick }
adm-expects-card-rotation-interval-minutes = عددی صحیح از ۱ تا ۱۰٬۰۸۰ (دقیقه؛ فقط برای چرخش زمانی)
adm-expects-receipt-expiry-hours = عددی صحیح از ۱ تا ۷۲۰ (ساعت)
adm-expects-topup-presets = فهرستی از ۱ تا ۸ مبلغ صحیح و مثبت به { $unit }، مثلاً ۵۰۰۰۰، ۱۰۰۰۰۰
adm-expects-topup-min = مبلغی صحیح و بیشتر از صفر، به { $unit }
adm-expects-topup-max = مبلغی صحیح و بیشتر از صفر، به { $unit }
adm-expects-referral-min-topup = مبلغی صحیح از ۰ به بالا، به { $unit } (۰ یعنی هر مبلغی)
adm-expects-referral-first-topup-bonus = مبلغی صحیح از ۰ به بالا، به { $unit } (۰ یعنی بدون هدیه)
adm-expects-referral-inviter-bonus = مبلغی صحیح از ۰ به بالا، به { $unit } (۰ یعنی بدون جایزه)
adm-expects-referral-commission-percent = عددی صحیح از ۰ تا ۱۰۰ (درصد؛ ۰ یعنی بدون پورسانت)
adm-expects-wallet-low-balance-warning = مبلغی صحیح از ۰ به بالا، به { $unit } (۰ یعنی بدون هشدار)

adm-choice-default-language-fa = فارسی
adm-choice-default-language-en = انگلیسی
adm-choice-default-language-ru = روسی
adm-choice-available-languages-fa = فارسی
adm-choice-available-languages-en = انگلیسی
adm-choice-available-languages-ru = روسی
adm-choice-support-mode-tickets = تیکت
adm-choice-support-mode-contact = نام کاربری پشتیبانی
adm-choice-support-mode-both = هر دو
adm-choice-traffic-reset-strategy-no-reset = بدون بازنشانی
adm-choice-traffic-reset-strategy-day = روزانه
adm-choice-traffic-reset-strategy-week = هفتگی
adm-choice-traffic-reset-strategy-month = ماهانه (اول ماه)
adm-choice-traffic-reset-strategy-month-rolling = ماهانه (از روز خرید)
adm-choice-card-rotation-strategy-round-robin = به نوبت
adm-choice-card-rotation-strategy-random = تصادفی
adm-choice-card-rotation-strategy-time-based = زمانی
adm-choice-card-rotation-strategy-weighted = بر اساس موفقیت
