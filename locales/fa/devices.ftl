## A subscription's devices and a new link (src/bot/features/shop/devices.ts, new-link.ts)

# the card's buttons
devices-button = 📱 دستگاه‌ها
link-button = 🔗 لینک جدید

# the device list
devices-title = 📱 دستگاه‌های { $name }: { $count } متصل، { $limit } مجاز
devices-none = هنوز هیچ دستگاهی با این اشتراک متصل نشده است.
devices-hint = با حذف یک دستگاه، جای آن آزاد می‌شود. برنامه‌ای که هنوز لینک را دارد، در به‌روزرسانی بعدی دوباره جا می‌گیرد؛ برای بیرون نگه داشتن همیشگی یک دستگاه، لینک جدید هم بگیرید.
devices-line = { $number }. { $device } · افزوده‌شده در { $date }
devices-line-undated = { $number }. { $device }
devices-more = …و { $count } دستگاه دیگر.
device-unknown = دستگاه ناشناس
device-platform-android = اندروید
device-platform-ios = آی‌اواس
device-platform-windows = ویندوز
device-platform-macos = مک‌اواس
device-platform-linux = لینوکس
devices-remove = ❌ { $number }. { $device }
devices-remove-all = 🗑 حذف همه دستگاه‌ها
devices-remove-all-confirm = همه دستگاه‌های { $name } ({ $count }) حذف شوند؟ هر دستگاه فقط پس از دریافت دوباره اشتراک، دوباره متصل می‌شود.
devices-remove-all-yes = ✅ بله، همه حذف شوند
devices-back = ⬅️ بازگشت به دستگاه‌ها
devices-removed = ✅ دستگاه حذف شد.
devices-already-removed = این دستگاه پیش‌تر حذف شده است.
devices-all-removed = ✅ همه دستگاه‌ها حذف شدند.

# a new link
link-confirm =
    🔗 لینک جدید برای { $name }

    لینک فعلی شما بی‌درنگ از کار می‌افتد: هر برنامه‌ای که از آن استفاده می‌کند تا وارد کردن لینک جدید قطع می‌شود. روزها، حجم و دستگاه‌های شما تغییری نمی‌کنند.

    لینک جدید می‌خواهید؟
link-confirm-yes = ✅ بله، لینک جدید بدهید
link-cancel = ❌ انصراف
link-cancelled = لینک شما تغییری نکرد.
link-renewed = ✅ این لینک جدید شماست. آن را دوباره در برنامه‌هایتان وارد کنید؛ لینک قبلی دیگر کار نمی‌کند.
link-current = این لینک فعلی شماست؛ پیش‌تر عوض شده بود.

# what stops a request
devices-panel-unavailable = سرور همین حالا پاسخ نمی‌دهد. لطفاً چند دقیقه دیگر دوباره امتحان کنید.
devices-panel-lost = این اشتراک در حال حاضر روی سرور پیدا نمی‌شود. لطفاً با پشتیبانی تماس بگیرید.
devices-not-ready = این اشتراک هنوز در حال فعال‌سازی است. لطفاً لحظاتی دیگر دوباره امتحان کنید.
