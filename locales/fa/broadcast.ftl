## پیام همگانی: منوی مدیریت فروشگاه، پیام پیشرفت و گزارش پایانی، و پیام گردانندگان از ربات اصلی

adm-btn-broadcasts = 📣 پیام همگانی
broadcast-off = پیام همگانی برای این فروشگاه خاموش است.
broadcast-home = 📣 پیام‌های همگانی اخیر:
broadcast-home-empty = 📣 هنوز هیچ پیام همگانی فرستاده نشده است.
broadcast-line = { $status ->
    [sending] ⏳
    [done] ✅
   *[cancelled] ⛔
} شماره { $id } · { $segment } · { $total } گیرنده
broadcast-btn-new = ✍️ پیام همگانی تازه
broadcast-segment = { $segment ->
    [all] 👥 همه
    [active] ✅ اشتراک فعال
    [expired] ⌛ اشتراک منقضی‌شده
    [never_bought] 🆕 هرگز خرید نکرده
    [trial_only] 🎁 فقط اشتراک آزمایشی
    [admins] 🛠 مدیران
   *[language] 🌐 بر اساس زبان
}
broadcast-language = { $language ->
    [fa] فارسی
    [en] انگلیسی
   *[ru] روسی
}
broadcast-segment-language = 🌐 زبان: { broadcast-language }
broadcast-ask-message =
    ✍️ پیامی را که باید برای همه فرستاده شود بفرستید: یک متن، یا یک عکس با توضیح.
    پیام درست همان‌طور که می‌فرستید و بدون قالب‌بندی فرستاده می‌شود.
broadcast-bad-text = متن نباید خالی باشد و حداکثر { $max } نویسه می‌تواند داشته باشد. دوباره بفرستید.
broadcast-bad-caption = عکس باید توضیحی با حداکثر { $max } نویسه داشته باشد. عکس را دوباره با توضیح بفرستید.
broadcast-ask-button-choice = دکمه‌ای با پیوند زیر پیام افزوده شود؟
broadcast-btn-add-button = 🔗 افزودن دکمه پیوند
broadcast-btn-no-button = بدون دکمه
broadcast-ask-button =
    دکمه را در دو خط بفرستید:
    خط اول نوشته دکمه (حداکثر ۶۴ نویسه)،
    خط دوم نشانی پیوند (نشانی کامل وب، یا پیوند تلگرامی).
broadcast-bad-button = درست نیست: خط اول نوشته دکمه (حداکثر ۶۴ نویسه)، خط دوم نشانی کامل وب یا پیوند تلگرامی.
broadcast-ask-segment = 👥 چه کسانی دریافت کنند؟
broadcast-ask-language = 🌐 مشتریان کدام زبان؟
broadcast-review =
    📣 تعداد گیرندگان: { $count } ({ $segment }).
    مشتریان مسدودشده و کسانی که ربات را مسدود کرده‌اند دریافت نمی‌کنند.
    نخست پیش‌نمایش را ببینید، سپس بفرستید.
broadcast-review-after-preview =
    👆 مشتریان پیام را این‌گونه می‌بینند.
    📣 تعداد گیرندگان: { $count } ({ $segment }).
broadcast-nobody = هیچ‌کس در این گروه نیست ({ $segment }). گیرندگان دیگری برگزینید.
broadcast-btn-preview = 👁 پیش‌نمایش
broadcast-btn-send = ✅ فرستادن برای { $count } نفر
broadcast-btn-change-segment = 👥 گیرندگان دیگر
broadcast-draft-gone = این پیام همگانی دیگر در حال نوشتن نیست.
broadcast-started = فرستادن پیام همگانی آغاز شد.
broadcast-progress =
    📣 در حال فرستادن… { $sent } از { $total } فرستاده شد
    ربات را مسدود کرده‌اند: { $blocked }
    ناموفق: { $failed }
    باقی‌مانده: { $left }
broadcast-btn-cancel = ⛔ توقف پیام همگانی
broadcast-cancelled-toast = پیام همگانی متوقف شد: دیگر برای کسی فرستاده نمی‌شود.
broadcast-already-finished = این پیام همگانی پیش‌تر به پایان رسیده است.
broadcast-report-done =
    ✅ پیام همگانی به پایان رسید.
    فرستاده شد: { $sent } از { $total }
    ربات را مسدود کرده‌اند: { $blocked }
    ناموفق: { $failed }
broadcast-report-cancelled =
    ⛔ پیام همگانی متوقف شد.
    فرستاده شد: { $sent } از { $total }
    ربات را مسدود کرده‌اند: { $blocked }
    ناموفق: { $failed }
broadcast-report-unknown = نتیجه نامعلوم (فرایند فرستادن در میانه کار متوقف شد؛ هرگز دوباره فرستاده نمی‌شود): { $unknown }
broadcast-report-not-sent = فرستاده نشد (به دلیل توقف، یا مسدود شدن مشتری در این میان): { $cancelled }

## پیام گردانندگان (ربات اصلی)
master-btn-broadcast = 📣 پیام به مدیران همه فروشگاه‌ها
master-broadcast-ask =
    📣 پیام برای مدیران همه فروشگاه‌های فعال را بفرستید: یک متن، یا یک عکس با توضیح آن.
    ربات هر فروشگاه آن را به مدیرانی از همان فروشگاه می‌رساند که ربات را آغاز کرده‌اند.
master-broadcast-review-above = 📣 { $admins } مدیر در { $shops } فروشگاه پیام بالا را دقیقاً به همین شکل دریافت می‌کنند.
master-broadcast-btn-send = ✅ فرستادن
master-broadcast-sent = 📣 در صف فرستادن: { $admins } مدیر در { $shops } فروشگاه.
master-broadcast-nobody = در هیچ فروشگاه فعالی مدیری نیست که ربات آن را آغاز کرده باشد.
master-broadcast-gone = این پیام دیگر در حال نوشتن نیست.

## برچسب تنظیمات (منوی تنظیمات آن‌ها را با نام تنظیم پیدا می‌کند)
adm-group-broadcasts = 📣 پیام همگانی
adm-label-broadcast-rate-per-second = پیام همگانی در هر ثانیه
